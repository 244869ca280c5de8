package dev.tollgate.providers.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.errors.ClientError;
import dev.tollgate.json.JsonCodec;

import java.net.URI;
import java.util.Locale;
import java.util.Map;

/**
 * One OpenAI user content part as a Gemini part: text; an image, audio clip or file sent inline
 * ({@code data:} URL or base64) as {@code inlineData}; an image at an http(s) URL as {@code fileData}.
 */
final class GeminiParts {

    private static final Map<String, String> MIME_BY_EXTENSION = Map.ofEntries(
            Map.entry("png", "image/png"), Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"),
            Map.entry("webp", "image/webp"), Map.entry("gif", "image/gif"), Map.entry("heic", "image/heic"),
            Map.entry("heif", "image/heif"), Map.entry("pdf", "application/pdf"));

    private GeminiParts() {
    }

    static ObjectNode userPart(JsonNode part, String path) {
        String type = part.path("type").asText();
        return switch (type) {
            case "text" -> {
                ObjectNode text = JsonCodec.object();
                text.put("text", part.path("text").asText());
                yield text;
            }
            case "image_url" -> image(part.path("image_url").path("url").asText(""), path + ".image_url.url");
            case "input_audio" -> audio(part.path("input_audio"), path + ".input_audio");
            case "file" -> file(part.path("file"), path + ".file");
            default -> throw GeminiRequestMapper.unsupported(path + ".type",
                    "content of type '" + type + "' is not supported for Gemini.");
        };
    }

    private static ObjectNode image(String url, String path) {
        if (url.startsWith("data:")) {
            return dataUrl(url, path);
        }
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw ClientError.invalidRequest(path, "The image URL is not a valid URL.");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") && !scheme.equals("gs")) {
            throw ClientError.invalidRequest(path, "The image URL must be an http(s) URL or a data: URL.");
        }
        ObjectNode part = JsonCodec.object();
        ObjectNode file = part.putObject("fileData");
        String mime = mimeFromPath(uri.getPath());
        if (mime != null) {
            file.put("mimeType", mime);
        }
        file.put("fileUri", url);
        return part;
    }

    private static ObjectNode audio(JsonNode audio, String path) {
        String format = audio.path("format").asText("");
        String mime = switch (format) {
            case "wav" -> "audio/wav";
            case "mp3" -> "audio/mp3";
            default -> throw ClientError.invalidRequest(path + ".format", "'format' must be wav or mp3.");
        };
        return inline(mime, audio.path("data").asText(""), path + ".data");
    }

    private static ObjectNode file(JsonNode file, String path) {
        String data = file.path("file_data").asText(null);
        if (data == null) {
            throw GeminiRequestMapper.unsupported(path + ".file_id",
                    "files uploaded to OpenAI cannot be read by Gemini; send the file inline as file_data.");
        }
        return dataUrl(data, path + ".file_data");
    }

    /** {@code data:<mime>;base64,<data>}; other data URL forms carry no reliable type or encoding. */
    private static ObjectNode dataUrl(String url, String path) {
        int comma = url.indexOf(',');
        String header = comma < 0 ? "" : url.substring("data:".length(), comma);
        if (comma < 0 || !header.endsWith(";base64") || header.length() == ";base64".length()) {
            throw ClientError.invalidRequest(path, "A data URL must have the form data:<mime type>;base64,<data>.");
        }
        String mime = header.substring(0, header.length() - ";base64".length());
        return inline(mime, url.substring(comma + 1), path);
    }

    private static ObjectNode inline(String mime, String base64, String path) {
        if (base64.isEmpty()) {
            throw ClientError.invalidRequest(path, "The inline data is empty.");
        }
        ObjectNode part = JsonCodec.object();
        ObjectNode inline = part.putObject("inlineData");
        inline.put("mimeType", mime);
        inline.put("data", base64);
        return part;
    }

    private static String mimeFromPath(String path) {
        if (path == null) {
            return null;
        }
        int dot = path.lastIndexOf('.');
        return dot < 0 ? null : MIME_BY_EXTENSION.get(path.substring(dot + 1).toLowerCase(Locale.ROOT));
    }
}
