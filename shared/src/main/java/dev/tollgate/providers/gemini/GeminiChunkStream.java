package dev.tollgate.providers.gemini;

import dev.tollgate.providers.OpenAiShapes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.errors.ProviderError;
import dev.tollgate.json.JsonCodec;
import dev.tollgate.providers.LookaheadChunkStream;
import dev.tollgate.providers.SseReader;
import dev.tollgate.providers.Usage;

import java.io.IOException;
import java.io.InputStream;

/**
 * Gemini's {@code streamGenerateContent?alt=sse} as OpenAI chunks. Each SSE frame is a whole
 * GenerateContentResponse holding the next piece of the answer; there is no {@code [DONE]}, the stream just ends.
 * Frames become chunks: the role on the first, text deltas, each function call as one complete tool_call delta,
 * the finish_reason on its own chunk, and (when the client asked) a usage chunk from the last usageMetadata.
 * A stream that ends before any finish reason was cut short and fails rather than passing as a shorter answer.
 */
final class GeminiChunkStream extends LookaheadChunkStream {

    private final InputStream body;
    private final SseReader reader;
    private final boolean clientWantsUsage;
    private final long created;
    private String model;
    private String id;
    private JsonNode primed;
    private JsonNode usageMetadata;
    private boolean roleSent;
    private boolean finished;
    private int toolCalls;

    GeminiChunkStream(InputStream body, String model, long created, boolean clientWantsUsage) {
        this.body = body;
        this.reader = new SseReader(body);
        this.model = model;
        this.created = created;
        this.clientWantsUsage = clientWantsUsage;
    }

    /**
     * Reads the first frame before the stream is handed to the client, so that a prompt Gemini blocks outright
     * is a content-filter error (as for a whole answer) and an empty or unreadable stream can still fall back.
     */
    GeminiChunkStream prime() {
        try {
            primed = frame();
        } catch (IOException e) {
            close();
            throw ProviderError.malformedResponse(GeminiAdapter.TYPE, e);
        }
        if (primed == null) {
            close();
            throw ProviderError.malformedResponse(GeminiAdapter.TYPE, null);
        }
        if (primed.path("candidates").isEmpty() && primed.path("promptFeedback").has("blockReason")) {
            close();
            throw GeminiResponseMapper.blockedOrMalformed(primed);
        }
        return this;
    }

    @Override
    protected void step() throws IOException {
        JsonNode frame = primed != null ? primed : frame();
        primed = null;
        if (frame != null) {
            translate(frame);
            return;
        }
        if (!finished) {
            throw new IOException("the Gemini stream ended before a finish reason");
        }
        if (clientWantsUsage) {
            emit(usageChunk());
        }
        end();
    }

    @Override
    protected boolean eventReady() {
        return primed != null || reader.hasBufferedEvent();
    }

    private JsonNode frame() throws IOException {
        SseReader.Event event = reader.next();
        if (event == null) {
            return null;
        }
        JsonNode frame = JsonCodec.parse(event.bytes());
        if (frame == null || !frame.isObject()) {
            throw new IOException("a Gemini stream frame is not a JSON object");
        }
        if (frame.has("error")) {
            throw new IOException("Gemini reported an error mid-stream");
        }
        return frame;
    }

    private void translate(JsonNode frame) {
        if (id == null) {
            id = GeminiResponseMapper.completionId(GeminiResponseMapper.text(frame, "responseId"));
        }
        model = GeminiResponseMapper.modelName(frame, model);
        if (frame.hasNonNull("usageMetadata")) {
            usageMetadata = frame.get("usageMetadata");
        }
        if (finished) {
            return;
        }
        JsonNode candidate = frame.path("candidates").path(0);
        if (candidate.isMissingNode()) {
            if (frame.path("promptFeedback").has("blockReason")) {
                finish("content_filter");
            }
            return;
        }
        GeminiCandidate piece = GeminiCandidate.read(candidate, GeminiResponseMapper.text(frame, "responseId"),
                toolCalls);
        boolean hasContent = !piece.text().isEmpty() || !piece.toolCalls().isEmpty();
        if (hasContent || !roleSent && piece.finishReason() == null) {
            ObjectNode delta = JsonCodec.object();
            if (!roleSent) {
                delta.put("role", "assistant");
            }
            if (!piece.text().isEmpty() || !roleSent && piece.toolCalls().isEmpty()) {
                delta.put("content", piece.text());
            }
            if (!piece.toolCalls().isEmpty()) {
                ArrayNode calls = delta.putArray("tool_calls");
                for (ObjectNode call : piece.toolCalls()) {
                    ObjectNode indexed = calls.addObject();
                    indexed.put("index", toolCalls++);
                    indexed.setAll(call);
                }
            }
            emit(chunk(delta, null));
            roleSent = true;
        }
        if (piece.finishReason() != null) {
            finish(GeminiCandidate.openAiFinish(piece.finishReason(), toolCalls > 0));
        }
    }

    private void finish(String reason) {
        ObjectNode delta = JsonCodec.object();
        if (!roleSent) {
            delta.put("role", "assistant");
            delta.putNull("content");
            roleSent = true;
        }
        emit(chunk(delta, reason));
        finished = true;
    }

    private byte[] chunk(ObjectNode delta, String finishReason) {
        ObjectNode chunk = OpenAiShapes.deltaChoice(header(), delta, finishReason);
        if (clientWantsUsage) {
            chunk.putNull("usage");
        }
        return JsonCodec.bytes(chunk);
    }

    private byte[] usageChunk() {
        return JsonCodec.bytes(OpenAiShapes.usageChunk(id, created, model, GeminiUsage.openAiNode(usageMetadata)));
    }

    private ObjectNode header() {
        return OpenAiShapes.chunk(id, created, model);
    }

    @Override
    public Usage usage() {
        return GeminiUsage.from(usageMetadata);
    }

    @Override
    public void close() {
        try {
            body.close();
        } catch (IOException ignored) {
            // the connection is being abandoned either way
        }
    }
}
