package dev.tollgate.providers.anthropic;

import dev.tollgate.providers.OpenAiShapes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.json.JsonCodec;
import dev.tollgate.providers.FinishReasons;
import dev.tollgate.providers.LookaheadChunkStream;
import dev.tollgate.providers.SseReader;
import dev.tollgate.providers.Usage;
import dev.tollgate.secrets.Credential;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Translates Anthropic's named SSE events into OpenAI chunks as they arrive: message_start gives the role chunk,
 * text_delta content chunks, a tool_use block its tool_call header (index, id, name) and input_json_delta its
 * argument fragments; message_delta carries the stop reason and cumulative usage, and message_stop ends the answer
 * with the finish_reason chunk and, when the client asked, the usage chunk. An {@code error} event, a stream that
 * ends before message_stop and an unreadable chunk all throw {@link AnthropicStreamException}: a broken answer
 * never looks finished.
 */
final class AnthropicStreamTranslator extends LookaheadChunkStream {

    private final InputStream body;
    private final SseReader reader;
    private final String provider;
    private final long created;
    private final boolean clientWantsUsage;
    private final Optional<Credential> credential;
    private final AnthropicErrorClassifier errors;
    private final AnthropicUsage usage = new AnthropicUsage();
    /** Anthropic content-block index -> OpenAI tool_calls index (tool calls count from 0 among tool blocks). */
    private final Map<Integer, Integer> toolIndexes = new HashMap<>();
    private String id;
    private String model;
    private String stopReason;

    AnthropicStreamTranslator(InputStream body, String provider, long created, boolean clientWantsUsage,
                              Optional<Credential> credential, AnthropicErrorClassifier errors) {
        this.body = body;
        this.reader = new SseReader(body);
        this.provider = provider;
        this.created = created;
        this.clientWantsUsage = clientWantsUsage;
        this.credential = credential;
        this.errors = errors;
    }

    @Override
    protected void step() throws IOException {
        SseReader.Event event = reader.next();
        if (event == null) {
            throw new AnthropicStreamException("the Anthropic stream ended before message_stop", null);
        }
        handle(event);
    }

    @Override
    protected boolean eventReady() {
        return reader.hasBufferedEvent();
    }

    private void handle(SseReader.Event event) throws IOException {
        JsonNode data;
        try {
            data = JsonCodec.parse(event.bytes());
        } catch (IOException e) {
            throw new AnthropicStreamException("the Anthropic stream sent an unreadable event", null);
        }
        if (data == null || !data.isObject()) {
            throw new AnthropicStreamException("the Anthropic stream sent an event that is not a JSON object", null);
        }
        String type = event.name() != null ? event.name() : data.path("type").asText();
        if (id == null && !"message_start".equals(type) && !"ping".equals(type) && !"error".equals(type)) {
            throw new AnthropicStreamException("the Anthropic stream did not begin with message_start", null);
        }
        switch (type) {
            case "message_start" -> start(data.path("message"));
            case "content_block_start" -> blockStart(data.path("index").asInt(), data.path("content_block"));
            case "content_block_delta" -> blockDelta(data.path("index").asInt(), data.path("delta"));
            case "message_delta" -> {
                stopReason = data.path("delta").path("stop_reason").asText(stopReason);
                usage.update(data.get("usage"));
            }
            case "message_stop" -> stop();
            case "error" -> {
                var error = errors.classifyEvent(provider, data, credential);
                throw new AnthropicStreamException("the Anthropic stream reported "
                        + data.path("error").path("type").asText("an error") + " after it began", error);
            }
            // ping, content_block_stop, and event types added later carry nothing for the client.
            default -> { }
        }
    }

    private void start(JsonNode message) {
        id = message.path("id").asText("msg_unknown");
        model = message.path("model").asText("");
        usage.update(message.get("usage"));
        ObjectNode delta = JsonCodec.object().put("role", "assistant").put("content", "");
        emitDelta(delta, null);
    }

    private void blockStart(int index, JsonNode block) {
        switch (block.path("type").asText()) {
            case "text" -> {
                String text = block.path("text").asText("");
                if (!text.isEmpty()) {
                    emitDelta(JsonCodec.object().put("content", text), null);
                }
            }
            case "tool_use" -> {
                int toolIndex = toolIndexes.size();
                toolIndexes.put(index, toolIndex);
                ObjectNode call = JsonCodec.object();
                call.put("index", toolIndex);
                call.put("id", block.path("id").asText());
                call.put("type", "function");
                ObjectNode function = call.putObject("function");
                function.put("name", block.path("name").asText());
                function.put("arguments", "");
                emitToolCall(call);
            }
            default -> { }
        }
    }

    private void blockDelta(int index, JsonNode delta) {
        switch (delta.path("type").asText()) {
            case "text_delta" -> {
                String text = delta.path("text").asText("");
                if (!text.isEmpty()) {
                    emitDelta(JsonCodec.object().put("content", text), null);
                }
            }
            case "input_json_delta" -> {
                Integer toolIndex = toolIndexes.get(index);
                String fragment = delta.path("partial_json").asText("");
                if (toolIndex != null && !fragment.isEmpty()) {
                    ObjectNode call = JsonCodec.object();
                    call.put("index", toolIndex);
                    call.putObject("function").put("arguments", fragment);
                    emitToolCall(call);
                }
            }
            // thinking_delta, signature_delta, citations_delta: no Chat Completions field.
            default -> { }
        }
    }

    private void stop() {
        emitDelta(JsonCodec.object(), stopReason == null ? "stop" : FinishReasons.toOpenAi(stopReason));
        if (clientWantsUsage) {
            ObjectNode last = OpenAiShapes.usageChunk(id, created, model, OpenAiShapes.usage(usage.toUsage()));
            emit(JsonCodec.bytes(last));
        }
        end();
    }

    private void emitToolCall(ObjectNode call) {
        ObjectNode delta = JsonCodec.object();
        ArrayNode calls = delta.putArray("tool_calls");
        calls.add(call);
        emitDelta(delta, null);
    }

    private void emitDelta(ObjectNode delta, String finishReason) {
        ObjectNode chunk = OpenAiShapes.deltaChoice(OpenAiShapes.chunk(id, created, model), delta, finishReason);
        if (clientWantsUsage) {
            chunk.putNull("usage");
        }
        emit(JsonCodec.bytes(chunk));
    }

    @Override
    public Usage usage() {
        return usage.toUsage();
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
