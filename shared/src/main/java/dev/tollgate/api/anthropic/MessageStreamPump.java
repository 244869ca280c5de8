package dev.tollgate.api.anthropic;

import dev.tollgate.api.RequestContext;
import dev.tollgate.api.StreamFailures;
import dev.tollgate.errors.ProviderError;
import dev.tollgate.providers.Usage;
import dev.tollgate.log.RequestLog;
import dev.tollgate.providers.ChunkStream;

import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes an open upstream stream to the client as Anthropic events, flushing after each upstream chunk. The
 * first chunk is read before message_start, so input tokens an upstream reports up front reach message_start;
 * a failure once events flow ends the stream with {@code event: error}, never a clean-looking truncated message.
 */
public final class MessageStreamPump {

    private final ChunkStream chunks;
    private final MessageStreamTranslator translator;
    private final RequestContext context;
    private final RequestLog log;

    public MessageStreamPump(ChunkStream chunks, MessageStreamTranslator translator, RequestContext context,
                             RequestLog log) {
        this.chunks = chunks;
        this.translator = translator;
        this.context = context;
        this.log = log;
    }

    public void writeTo(OutputStream out) throws IOException {
        String outcome = "ok";
        long forwarded = 0;
        try (chunks) {
            boolean started = false;
            while (true) {
                List<StreamEvent> events = new ArrayList<>(4);
                boolean done;
                try {
                    byte[] chunk = chunks.next();
                    if (!started) {
                        events.add(translator.start(chunks.usage()));
                        started = true;
                    }
                    done = chunk == null;
                    events.addAll(done ? translator.finish(chunks.usage()) : translator.chunk(chunk));
                } catch (IOException | RuntimeException e) {
                    ProviderError error = StreamFailures.describe(e, context.providerLabel());
                    outcome = error.code();
                    send(out, List.of(MessageStreamTranslator.error(error)));
                    return;
                }
                send(out, events);
                forwarded++;
                if (done) {
                    return;
                }
            }
        } catch (IOException clientGone) {
            outcome = "client_disconnected";
            throw clientGone;
        } finally {
            Usage usage = chunks.usage();
            boolean estimated = usage.equals(Usage.NONE);
            if (estimated) {
                // The stream ended before its usage arrived: charge what was sent, about a token per chunk.
                usage = new Usage(context.promptEstimate(), forwarded, 0);
            }
            context.finished(200, usage, estimated, outcome);
            log.write(context.summary());
        }
    }

    private static void send(OutputStream out, List<StreamEvent> events) throws IOException {
        if (events.isEmpty()) {
            return;
        }
        for (StreamEvent event : events) {
            out.write(event.bytes());
        }
        out.flush();
    }
}
