package dev.tollgate.api.anthropic;

import dev.tollgate.errors.ProviderError;
import dev.tollgate.providers.Usage;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** OpenAI chunk sequences into Anthropic stream events, checked byte for byte. */
class MessageStreamTranslatorTest {

    private static String run(List<String> chunks, Usage usage) throws IOException {
        MessageStreamTranslator translator = new MessageStreamTranslator("msg_1", "demo");
        List<StreamEvent> events = new ArrayList<>();
        events.add(translator.start(Usage.NONE));
        for (String chunk : chunks) {
            events.addAll(translator.chunk(chunk.getBytes(StandardCharsets.UTF_8)));
        }
        events.addAll(translator.finish(usage));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (StreamEvent event : events) {
            out.write(event.bytes());
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void textStreamBecomesTheExactAnthropicEventSequence() throws IOException {
        String stream = run(List.of(
                "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}",
                "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"},\"finish_reason\":null}]}",
                "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"},\"finish_reason\":null}]}",
                "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}",
                "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":2,\"total_tokens\":11}}"),
                new Usage(9, 2, 4));
        assertEquals("""
                event: message_start
                data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"demo","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":0,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":0}}}

                event: content_block_start
                data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel"}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"lo"}}

                event: content_block_stop
                data: {"type":"content_block_stop","index":0}

                event: message_delta
                data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"input_tokens":5,"cache_creation_input_tokens":0,"cache_read_input_tokens":4,"output_tokens":2}}

                event: message_stop
                data: {"type":"message_stop"}

                """, stream);
    }

    @Test
    void textThenTwoToolCallsGetOneBlockEach() throws IOException {
        String stream = run(List.of(
                "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Checking.\"}}]}",
                "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_a\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]}}]}",
                "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"city\\\":\"}}]}}]}",
                "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\"Paris\\\"}\"}}]}}]}",
                "{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,\"id\":\"call_b\",\"type\":\"function\",\"function\":{\"name\":\"get_time\",\"arguments\":\"{}\"}}]}}]}",
                "{\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}"),
                new Usage(30, 12, 0));
        List<String> lines = stream.lines().filter(line -> line.startsWith("data: ")).toList();
        assertEquals(List.of(
                "data: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"demo\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":0,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"output_tokens\":0}}}",
                "data: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}",
                "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Checking.\"}}",
                "data: {\"type\":\"content_block_stop\",\"index\":0}",
                "data: {\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"tool_use\",\"id\":\"call_a\",\"name\":\"get_weather\",\"input\":{},\"caller\":{\"type\":\"direct\"}}}",
                "data: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"city\\\":\"}}",
                "data: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"\\\"Paris\\\"}\"}}",
                "data: {\"type\":\"content_block_stop\",\"index\":1}",
                "data: {\"type\":\"content_block_start\",\"index\":2,\"content_block\":{\"type\":\"tool_use\",\"id\":\"call_b\",\"name\":\"get_time\",\"input\":{},\"caller\":{\"type\":\"direct\"}}}",
                "data: {\"type\":\"content_block_delta\",\"index\":2,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{}\"}}",
                "data: {\"type\":\"content_block_stop\",\"index\":2}",
                "data: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\",\"stop_sequence\":null},\"usage\":{\"input_tokens\":30,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"output_tokens\":12}}",
                "data: {\"type\":\"message_stop\"}"), lines);
        List<String> names = stream.lines().filter(line -> line.startsWith("event: ")).toList();
        assertEquals(13, names.size());
    }

    @Test
    void inputTokensKnownUpFrontReachMessageStart() {
        StreamEvent start = new MessageStreamTranslator("msg_2", "demo").start(new Usage(100, 7, 60, 10));
        assertEquals("{\"input_tokens\":30,\"cache_creation_input_tokens\":10,\"cache_read_input_tokens\":60,\"output_tokens\":0}",
                start.data().at("/message/usage").toString());
    }

    @Test
    void midStreamFailureIsAnAnthropicErrorEvent() {
        StreamEvent error = MessageStreamTranslator.error(ProviderError.malformedResponse("openai", null));
        assertEquals("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":"
                + "\"The upstream provider 'openai' sent a response the gateway could not read.\"}}\n\n",
                new String(error.bytes(), StandardCharsets.UTF_8));
    }
}
