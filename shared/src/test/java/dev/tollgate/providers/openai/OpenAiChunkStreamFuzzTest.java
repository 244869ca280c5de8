package dev.tollgate.providers.openai;

import dev.tollgate.fuzz.FuzzSeed;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.fuzz.JsonFuzz;
import dev.tollgate.fuzz.StreamFuzz;
import dev.tollgate.json.JsonCodec;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Damaged OpenAI-format streams (OpenAI, Azure, any OpenAI-compatible upstream) yield JSON chunks or fail as IOException. */
class OpenAiChunkStreamFuzzTest {

    @Provide
    Arbitrary<byte[]> streams() {
        return Arbitraries.randomValue(random -> {
            List<StreamFuzz.Event> events = new ArrayList<>();
            int n = 1 + random.nextInt(6);
            for (int i = 0; i < n; i++) {
                ObjectNode chunk = JsonCodec.object().put("id", "chatcmpl-1").put("object", "chat.completion.chunk")
                        .put("created", 1).put("model", "gpt");
                ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
                choice.putObject("delta").put("content", JsonFuzz.string(random));
                if (i == n - 1) {
                    choice.put("finish_reason", "stop");
                } else {
                    choice.putNull("finish_reason");
                }
                events.add(new StreamFuzz.Event(null, chunk));
            }
            ObjectNode usage = JsonCodec.object().put("id", "chatcmpl-1").put("object", "chat.completion.chunk");
            usage.putArray("choices");
            usage.putObject("usage").put("prompt_tokens", random.nextInt(100)).put("completion_tokens", 3);
            events.add(new StreamFuzz.Event(null, usage));
            byte[] body = StreamFuzz.frame(events, random);
            byte[] done = "data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8);
            byte[] all = new byte[body.length + done.length];
            System.arraycopy(body, 0, all, 0, body.length);
            System.arraycopy(done, 0, all, body.length, done.length);
            return all;
        });
    }

    @Property(tries = 800, seed = FuzzSeed.SEED)
    void streamYieldsChunksOrFailsCleanly(@ForAll("streams") byte[] sse, @ForAll boolean usage) {
        StreamFuzz.drain(() -> new OpenAiChunkStream(new ByteArrayInputStream(sse), usage));
    }

    @Property(tries = 300, seed = FuzzSeed.SEED)
    void randomBytesAsAStreamFailCleanly(@ForAll byte[] sse) {
        StreamFuzz.drain(() -> new OpenAiChunkStream(new ByteArrayInputStream(sse), true));
    }
}
