package dev.tollgate.providers.bedrock;

import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.core.async.SdkPublisher;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamOutput;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamResponse;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamResponseHandler;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Turns the SDK's push-style event stream into blocking pulls. Demand is bounded: {@link #WINDOW} events are
 * requested up front and one more each time one is taken, so the queue never holds more than that and the SDK's
 * I/O threads never block. The first terminal signal (end, or an error from any of the SDK's paths) wins.
 */
final class EventBridge implements ConverseStreamResponseHandler, Subscriber<ConverseStreamOutput> {

    static final int WINDOW = 32;

    /** What a pull yields. */
    sealed interface Item {
    }

    record Event(ConverseStreamOutput event) implements Item {
    }

    record End() implements Item {
    }

    record Failure(Throwable error) implements Item {
    }

    private final CompletableFuture<ConverseStreamResponse> opened = new CompletableFuture<>();
    private final BlockingQueue<Item> queue = new ArrayBlockingQueue<>(WINDOW + 1);
    private final AtomicBoolean terminated = new AtomicBoolean();
    private volatile Subscription subscription;
    private volatile Future<?> call;
    private volatile boolean cancelled;

    /** The SDK's future for the whole call: its failure is a terminal signal too, and close cancels it. */
    void attach(CompletableFuture<Void> call) {
        this.call = call;
        call.whenComplete((ignored, error) -> {
            if (error != null) {
                fail(error);
            }
        });
    }

    /** Waits for the upstream's 2xx answer (headers); throws what the SDK raised instead, unwrapped. */
    ConverseStreamResponse awaitOpen(Duration timeout) throws Throwable {
        try {
            return opened.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw e.getCause();
        }
    }

    /** The next item; a {@link Failure} holding a {@link TimeoutException} when none came in time. */
    Item take(Duration timeout) throws InterruptedException {
        Item item = queue.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (item == null) {
            return new Failure(new TimeoutException("no event from Bedrock within " + timeout.toMillis() + " ms"));
        }
        if (item instanceof Event && subscription != null) {
            subscription.request(1);
        }
        return item;
    }

    /** Whether an item has arrived that {@link #take} would return at once. */
    boolean hasQueued() {
        return !queue.isEmpty();
    }

    void cancel() {
        cancelled = true;
        Subscription s = subscription;
        if (s != null) {
            s.cancel();
        }
        Future<?> c = call;
        if (c != null) {
            c.cancel(true);
        }
    }

    // --- ConverseStreamResponseHandler (SDK threads) ---

    @Override
    public void responseReceived(ConverseStreamResponse response) {
        opened.complete(response);
    }

    @Override
    public void onEventStream(SdkPublisher<ConverseStreamOutput> publisher) {
        publisher.subscribe(this);
    }

    @Override
    public void exceptionOccurred(Throwable error) {
        fail(error);
    }

    @Override
    public void complete() {
        // The subscriber's onComplete already ended the queue.
    }

    // --- Subscriber (SDK threads) ---

    @Override
    public void onSubscribe(Subscription s) {
        subscription = s;
        if (cancelled) {
            s.cancel();
        } else {
            s.request(WINDOW);
        }
    }

    @Override
    public void onNext(ConverseStreamOutput event) {
        if (!queue.offer(new Event(event))) {
            fail(new IllegalStateException("Bedrock event stream sent more events than requested"));
        }
    }

    @Override
    public void onError(Throwable error) {
        fail(error);
    }

    @Override
    public void onComplete() {
        if (terminated.compareAndSet(false, true)) {
            queue.add(new End());
        }
    }

    private void fail(Throwable error) {
        opened.completeExceptionally(error);
        if (terminated.compareAndSet(false, true)) {
            // The queue keeps one place free beyond the demand window for exactly this.
            queue.offer(new Failure(error));
        }
    }
}
