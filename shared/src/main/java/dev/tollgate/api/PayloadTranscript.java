package dev.tollgate.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.json.JsonCodec;
import dev.tollgate.providers.ChatResult;
import dev.tollgate.providers.ChunkStream;
import dev.tollgate.providers.Usage;

import java.io.IOException;

/**
 * What a route that opted in ({@code log_payloads: true}) adds to a request's log line: the request's messages (in
 * OpenAI format, as routed) and the completion text of its first choice, assembled from the deltas when streamed.
 * Only the body's messages and the answer's text are taken, never headers, so no gateway key, provider key or
 * Authorization value reaches the log through it.
 */
final class PayloadTranscript {

    private final JsonNode messages;
    private final StringBuilder completion = new StringBuilder();
    private boolean answered;

    PayloadTranscript(ObjectNode request) {
        // A copy: adapters may reshape the request while it is routed; the log shows what the client sent.
        this.messages = request.path("messages").deepCopy();
    }

    /** A whole answer (an OpenAI chat.completion body). */
    void whole(ChatResult result) {
        answered = true;
        try {
            JsonNode content = JsonCodec.parse(result.body()).path("choices").path(0).path("message").path("content");
            if (content.isTextual()) {
                completion.append(content.asText());
            }
        } catch (IOException unreadable) {
            // The client got the body as it is; the log line just has no text for it.
        }
    }

    /** The stream, with the text of each chunk (an OpenAI chat.completion.chunk) taken down as it passes. */
    ChunkStream observe(ChunkStream chunks) {
        answered = true;
        return new ChunkStream() {
            @Override
            public byte[] next() throws IOException {
                byte[] chunk = chunks.next();
                if (chunk != null) {
                    delta(chunk);
                }
                return chunk;
            }

            @Override
            public Usage usage() {
                return chunks.usage();
            }

            @Override
            public void close() {
                chunks.close();
            }
        };
    }

    private void delta(byte[] chunk) {
        try {
            for (JsonNode choice : JsonCodec.parse(chunk).path("choices")) {
                JsonNode content = choice.path("delta").path("content");
                if (choice.path("index").asInt(0) == 0 && content.isTextual()) {
                    completion.append(content.asText());
                }
            }
        } catch (IOException unreadable) {
            // Forwarded as it is; only the log line's text misses it.
        }
    }

    /** {@code request_messages}, and {@code completion} once an answer came (none on an error). */
    void writeTo(ObjectNode summary) {
        summary.set("request_messages", messages);
        if (answered) {
            summary.put("completion", completion.toString());
        }
    }
}
