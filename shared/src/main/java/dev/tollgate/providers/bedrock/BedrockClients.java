package dev.tollgate.providers.bedrock;

import dev.tollgate.core.Lazy;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClientBuilder;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeBaseClientBuilder;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClientBuilder;
import software.amazon.awssdk.services.bedrockruntime.auth.scheme.BedrockRuntimeAuthSchemeProvider;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bedrock Runtime clients, built on first use and kept for the life of the process: one per region, endpoint and
 * auth mode, sync (Converse, on the url-connection client) and async (ConverseStream, on Netty, which is only
 * loaded when a stream is first asked for). SDK retries are off: the gateway's router owns retries and fallback.
 */
final class BedrockClients {

    /** SigV4 with the default credential chain (the function's role), or a Bedrock API key sent per request. */
    enum Auth { SIGV4, BEARER }

    record Key(String region, URI endpoint, Auth auth) {
    }

    /** Socket-level limits; the per-target deadlines (Target.timeout) are enforced per call, above these. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration SOCKET_TIMEOUT = Duration.ofMinutes(15);

    private final Map<Key, BedrockRuntimeClient> sync = new ConcurrentHashMap<>();
    private final Map<Key, BedrockRuntimeAsyncClient> async = new ConcurrentHashMap<>();
    private final Lazy<SdkHttpClient> syncHttp = new Lazy<>(() -> UrlConnectionHttpClient.builder()
            .connectionTimeout(CONNECT_TIMEOUT).socketTimeout(SOCKET_TIMEOUT).build());
    private final Lazy<SdkAsyncHttpClient> asyncHttp = new Lazy<>(() -> NettyNioAsyncHttpClient.builder()
            // Lambda runs one request per environment; two event-loop threads serve the local server too.
            .eventLoopGroup(SdkEventLoopGroup.builder().numberOfThreads(2).build())
            .connectionTimeout(CONNECT_TIMEOUT)
            // No idle-read limit here: BedrockChunkStream enforces the target's own timeout between events.
            .readTimeout(Duration.ZERO)
            .tcpKeepAlive(true)
            .build());

    BedrockRuntimeClient sync(Key key) {
        return sync.computeIfAbsent(key, k -> {
            BedrockRuntimeClientBuilder builder = BedrockRuntimeClient.builder().httpClient(syncHttp.get());
            return configure(builder, k).build();
        });
    }

    BedrockRuntimeAsyncClient async(Key key) {
        return async.computeIfAbsent(key, k -> {
            BedrockRuntimeAsyncClientBuilder builder = BedrockRuntimeAsyncClient.builder().httpClient(asyncHttp.get());
            return configure(builder, k).build();
        });
    }

    private static <B extends BedrockRuntimeBaseClientBuilder<B, ?>> B configure(B builder, Key key) {
        builder.overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()));
        if (key.region() != null) {
            builder.region(Region.of(key.region()));
        }
        if (key.endpoint() != null) {
            builder.endpointOverride(key.endpoint());
        }
        if (key.auth() == Auth.BEARER) {
            // The key itself comes with each request (it may rotate); this client only prefers bearer auth.
            builder.authSchemeProvider(BedrockRuntimeAuthSchemeProvider.defaultProvider(List.of("httpBearerAuth")))
                    .tokenProvider(() -> {
                        throw SdkClientException.create("no Bedrock API key was given for this request");
                    });
        } else {
            // Pinned, so that an AWS_BEARER_TOKEN_BEDROCK in the environment cannot silently change how a target
            // configured for the function's role authenticates.
            builder.authSchemeProvider(BedrockRuntimeAuthSchemeProvider.defaultProvider(List.of("sigv4")));
        }
        return builder;
    }
}
