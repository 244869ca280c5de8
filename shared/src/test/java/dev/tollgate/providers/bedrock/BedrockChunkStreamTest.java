package dev.tollgate.providers.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tollgate.json.JsonCodec;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.core.async.SdkPublisher;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamOutput;
import software.amazon.awssdk.services.bedrockruntime.model.ModelStreamErrorException;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The async-to-blocking bridge: demand, end, mid-stream errors, stalls and cancellation. */
class BedrockChunkStreamTest {

    /** A publisher the test drives by hand, recording demand and cancellation. */
    static final class ManualPublisher implements SdkPublisher<ConverseStreamOutput> {
        final AtomicLong requested = new AtomicLong();
        final AtomicBoolean cancelled = new AtomicBoolean();
        Subscriber<? super ConverseStreamOutput> subscriber;

        @Override
        public void subscribe(Subscriber<? super ConverseStreamOutput> s) {
            subscriber = s;
            s.onSubscribe(new Subscription() {
                @Override
                public void request(long n) {
                    requested.addAndGet(n);
                }

                @Override
                public void cancel() {
                    cancelled.set(true);
                }
            });
        }
    }

    private final ManualPublisher publisher = new ManualPublisher();
    private final EventBridge bridge = new EventBridge();

    private BedrockChunkStream stream(boolean usage) {
        bridge.onEventStream(publisher);
        return new BedrockChunkStream(bridge, new ConverseStreamTranslator("id", 1, "m", usage), Duration.ofSeconds(2));
    }

    @Test
    void allEventsThenTheEndYieldChunksThenNull() throws IOException {
        BedrockChunkStream chunks = stream(true);
        ConverseStreamTranslatorTest.textAndToolEvents().forEach(publisher.subscriber::onNext);
        publisher.subscriber.onComplete();

        int count = 0;
        while (chunks.next() != null) {
            count++;
        }
        assertEquals(8, count);
        assertNull(chunks.next(), "stays ended");
        assertEquals(40, chunks.usage().promptTokens());
    }

    @Test
    void demandIsBoundedAndReplenishedOnePerEventTaken() throws IOException {
        BedrockChunkStream chunks = stream(false);
        assertEquals(EventBridge.WINDOW, publisher.requested.get(), "only a window is asked for up front");
        List<ConverseStreamOutput> events = ConverseStreamTranslatorTest.textAndToolEvents();
        events.forEach(publisher.subscriber::onNext);
        chunks.next();
        assertEquals(EventBridge.WINDOW + 1, publisher.requested.get());
    }

    @Test
    void anExceptionMidStreamSurfacesAsIOExceptionAfterTheEventsBeforeIt() throws IOException {
        BedrockChunkStream chunks = stream(false);
        List<ConverseStreamOutput> events = ConverseStreamTranslatorTest.textAndToolEvents();
        publisher.subscriber.onNext(events.get(0));
        publisher.subscriber.onNext(events.get(1));
        publisher.subscriber.onError(ModelStreamErrorException.builder().message("model broke").build());

        JsonNode first = JsonCodec.parse(chunks.next());
        assertEquals("assistant", first.at("/choices/0/delta/role").asText());
        assertEquals("Let me ", JsonCodec.parse(chunks.next()).at("/choices/0/delta/content").asText());
        IOException e = assertThrows(IOException.class, chunks::next);
        assertTrue(e.getMessage().contains("ModelStreamErrorException"), e.getMessage());
        assertTrue(publisher.cancelled.get(), "the upstream is cancelled on failure");
    }

    @Test
    void anEndWithoutMessageStopIsAnErrorNotASilentlyShortAnswer() throws IOException {
        BedrockChunkStream chunks = stream(false);
        List<ConverseStreamOutput> events = ConverseStreamTranslatorTest.textAndToolEvents();
        publisher.subscriber.onNext(events.get(0));
        publisher.subscriber.onNext(events.get(1));
        publisher.subscriber.onComplete();

        chunks.next();
        chunks.next();
        assertThrows(IOException.class, chunks::next);
    }

    @Test
    void aStallLongerThanTheTimeoutIsASocketTimeout() {
        bridge.onEventStream(publisher);
        BedrockChunkStream chunks = new BedrockChunkStream(bridge, new ConverseStreamTranslator("id", 1, "m", false),
                Duration.ofMillis(50));
        assertThrows(SocketTimeoutException.class, chunks::next);
        assertTrue(publisher.cancelled.get());
    }

    @Test
    void closingBeforeTheEndCancelsTheUpstream() throws IOException {
        BedrockChunkStream chunks = stream(false);
        publisher.subscriber.onNext(ConverseStreamTranslatorTest.textAndToolEvents().getFirst());
        chunks.next();
        chunks.close();
        assertTrue(publisher.cancelled.get());
    }

    @Test
    void anErrorBeforeTheResponseFailsTheOpening() {
        bridge.exceptionOccurred(new IllegalStateException("refused"));
        Throwable thrown = assertThrows(IllegalStateException.class, () -> bridge.awaitOpen(Duration.ofSeconds(1)));
        assertEquals("refused", thrown.getMessage());
    }

    @Test
    void eventsAlreadyReceivedAreReportedAndEventsWithoutAChunkDoNotHoldTheFlushBack() throws IOException {
        BedrockChunkStream chunks = stream(false);
        List<ConverseStreamOutput> events = ConverseStreamTranslatorTest.textAndToolEvents();
        publisher.subscriber.onNext(events.get(0)); // messageStart: the role chunk
        publisher.subscriber.onNext(events.get(1)); // "Let me "
        publisher.subscriber.onNext(events.get(3)); // contentBlockStop: no chunk
        chunks.next();
        assertTrue(chunks.hasBufferedChunk(), "'Let me ' has arrived");
        assertEquals("Let me ", JsonCodec.parse(chunks.next()).at("/choices/0/delta/content").asText());
        assertFalse(chunks.hasBufferedChunk(), "only an event without a chunk has arrived: flush now");
        publisher.subscriber.onError(ModelStreamErrorException.builder().message("model broke").build());
        assertTrue(chunks.hasBufferedChunk(), "the failure has arrived: the next call will not wait");
        assertThrows(IOException.class, chunks::next);
    }
}
