package dev.tollgate.routing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.config.ModelRoute;
import dev.tollgate.config.Target;
import dev.tollgate.errors.ClientError;
import dev.tollgate.errors.ErrorClass;
import dev.tollgate.errors.ProviderError;
import dev.tollgate.log.RequestLog;
import dev.tollgate.providers.ChatCall;
import dev.tollgate.providers.ProviderAdapter;
import dev.tollgate.providers.ProviderRegistry;
import dev.tollgate.secrets.Credential;
import dev.tollgate.secrets.CredentialRef;
import dev.tollgate.secrets.CredentialResolver;
import dev.tollgate.secrets.CredentialUnavailableException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;

/**
 * Walks a plan: targets in order (outer loop), each with its retry policy (inner loop). Error classes decide:
 * retry the same target, move to the next, or stop. Honours provider wait hints up to a cap, never starts an
 * attempt the deadline cannot fit, rotates a rate-limited credential to the next key of the pool, and skips
 * targets that are cooling down.
 */
public final class FallbackExecutor {

    /** One call of an adapter: whole or streamed, decided by the caller. */
    @FunctionalInterface
    public interface Call<T> {
        T send(ProviderAdapter adapter, ChatCall call);
    }

    /** What answered, and how long the successful attempt took to answer. */
    public record Answer<T>(T value, Target target, Duration took) {
    }

    private final ProviderRegistry providers;
    private final CredentialResolver credentials;
    private final TargetHealth health;
    private final Sleeper sleeper;
    private final RandomGenerator random;
    private final Clock clock;
    private final RequestLog log;
    private final AtomicInteger keyRotation = new AtomicInteger();

    public FallbackExecutor(ProviderRegistry providers, CredentialResolver credentials, TargetHealth health,
                            Sleeper sleeper, RandomGenerator random, Clock clock, RequestLog log) {
        this.providers = providers;
        this.credentials = credentials;
        this.health = health;
        this.sleeper = sleeper;
        this.random = random;
        this.clock = clock;
        this.log = log;
    }

    public <T> Answer<T> execute(ModelRoute route, List<Target> plan, ObjectNode request, boolean clientWantsUsage,
                                 Instant requestDeadline, AttemptListener listener, Call<T> call) {
        return execute(route, plan, request, clientWantsUsage, requestDeadline, listener, AttemptGuard.NONE, call);
    }

    public <T> Answer<T> execute(ModelRoute route, List<Target> plan, ObjectNode request, boolean clientWantsUsage,
                                 Instant requestDeadline, AttemptListener listener, AttemptGuard guard, Call<T> call) {
        if (plan.isEmpty()) {
            throw ClientError.noTargetFor(route.name(),
                    "no branch matched it, or it is larger than every target's context window");
        }
        AttemptPolicy policy = route.policy();
        Instant deadline = earliest(clock.instant().plus(policy.deadline()), requestDeadline);
        ProviderError last = null;
        Instant firstCooldownEnd = null;
        boolean refusedByBudget = false;
        long contextFloor = -1;
        int rotation = Math.floorMod(keyRotation.getAndIncrement(), 1 << 16);
        for (Target target : plan) {
            if (contextFloor >= 0 && target.contextWindow() <= contextFloor) {
                listener.skipped(target, "context_window");
                continue;
            }
            Optional<Instant> cooled = health.cooledUntil(target);
            if (cooled.isPresent()) {
                listener.skipped(target, "cooling_down");
                firstCooldownEnd = earliest(firstCooldownEnd, cooled.get());
                continue;
            }
            int retries = 0;
            int keyIndex = 0;
            while (true) {
                Duration remaining = Duration.between(clock.instant(), deadline);
                if (remaining.compareTo(policy.minAttempt()) < 0 || remaining.isNegative()) {
                    throw last != null && last.errorClass() != ErrorClass.FATAL ? last
                            : ProviderError.deadlineExceeded(route.name());
                }
                if (!guard.admit(target)) {
                    listener.skipped(target, "budget");
                    refusedByBudget = true;
                    break;
                }
                CredentialRef ref = target.credentials().get((rotation + keyIndex) % target.credentials().size());
                Target bounded = target.timeout().compareTo(remaining) > 0 ? target.withTimeout(remaining) : target;
                listener.attempted(target);
                Instant start = clock.instant();
                try {
                    ChatCall chatCall = new ChatCall(request, bounded, credential(target, ref), clientWantsUsage);
                    T value = call.send(providers.adapter(target.provider()), chatCall);
                    Duration took = Duration.between(start, clock.instant());
                    health.succeeded(target, took);
                    return new Answer<>(value, target, took);
                } catch (ProviderError e) {
                    guard.attemptFailed(target);
                    last = e;
                    listener.failed(target, e);
                    health.failed(target, e, policy);
                    Next next = next(e, policy, target, retries, keyIndex);
                    if (next == Next.STOP) {
                        throw e;
                    }
                    if (next == Next.OTHER_KEY) {
                        keyIndex++;
                        continue;
                    }
                    if (next == Next.SAME_TARGET) {
                        if (!waitBeforeRetry(e, policy, retries, deadline)) {
                            coolIfLimited(target, e, policy);
                            break;
                        }
                        retries++;
                        continue;
                    }
                    if ("context_length_exceeded".equals(e.code())) {
                        contextFloor = Math.max(0, target.contextWindow());
                    }
                    coolIfLimited(target, e, policy);
                    break;
                }
            }
        }
        if (last != null) {
            throw last;
        }
        if (refusedByBudget) {
            throw ClientError.budgetExceeded(route.name(), "the budget of every target it could use is spent, "
                    + "or their prices are unknown under a hard budget");
        }
        if (firstCooldownEnd != null) {
            Duration wait = Duration.between(clock.instant(), firstCooldownEnd);
            if (policy.waitForCooldown() && clock.instant().plus(wait).plus(policy.minAttempt()).isBefore(deadline)) {
                sleep(wait);
                return execute(route, plan, request, clientWantsUsage, deadline, listener, guard, call);
            }
            throw ProviderError.allTargetsCoolingDown(route.name(), wait);
        }
        throw ClientError.noTargetFor(route.name(), "it is larger than the context window of every larger target");
    }

    private enum Next { SAME_TARGET, OTHER_KEY, NEXT_TARGET, STOP }

    private Next next(ProviderError e, AttemptPolicy policy, Target target, int retries, int keyIndex) {
        boolean morekeys = keyIndex + 1 < target.credentials().size();
        AttemptPolicy.Action override = policy.onError().get(e.code());
        if (override != null) {
            return switch (override) {
                case RETRY -> retries < policy.retries() ? Next.SAME_TARGET : Next.NEXT_TARGET;
                case FALLBACK -> Next.NEXT_TARGET;
                case FAIL -> Next.STOP;
            };
        }
        return switch (e.errorClass()) {
            case FATAL -> {
                if ("content_filter".equals(e.code()) && policy.contentPolicyFallback()) {
                    yield Next.NEXT_TARGET;
                }
                yield "context_length_exceeded".equals(e.code()) ? Next.NEXT_TARGET : Next.STOP;
            }
            case FALLBACK -> morekeys && "upstream_auth_failed".equals(e.code()) ? Next.OTHER_KEY : Next.NEXT_TARGET;
            case RETRYABLE -> {
                if (e.upstreamStatus() == 429 && morekeys) {
                    yield Next.OTHER_KEY;
                }
                yield retries < policy.retries() ? Next.SAME_TARGET : Next.NEXT_TARGET;
            }
        };
    }

    /** Waits the provider's hint or a jittered backoff; false when that wait is too long to be worth it. */
    private boolean waitBeforeRetry(ProviderError e, AttemptPolicy policy, int retries, Instant deadline) {
        Duration wait = e.retryAfter().orElseGet(() -> Backoff.of(policy, retries, random));
        if (wait.compareTo(policy.maxRetryWait()) > 0
                || !clock.instant().plus(wait).plus(policy.minAttempt()).isBefore(deadline)) {
            return false;
        }
        sleep(wait);
        return true;
    }

    private void coolIfLimited(Target target, ProviderError e, AttemptPolicy policy) {
        if (e.upstreamStatus() == 429 || e.upstreamStatus() == 529 || "upstream_overloaded".equals(e.code())) {
            health.coolDown(target, e, policy);
        }
    }

    private Optional<Credential> credential(Target target, CredentialRef ref) {
        try {
            return credentials.resolve(ref);
        } catch (CredentialUnavailableException e) {
            var event = log.event("ERROR", "credential unavailable");
            event.put("target", target.label());
            event.put("reason", e.getMessage());
            log.write(event);
            throw ProviderError.credentialUnavailable(target.provider(), e);
        }
    }

    private void sleep(Duration wait) {
        if (wait.isZero() || wait.isNegative()) {
            return;
        }
        try {
            sleeper.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ProviderError.timeout("gateway", e);
        }
    }

    private static Instant earliest(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isBefore(b) ? a : b;
    }
}
