package dev.tollgate.providers.bedrock;

import dev.tollgate.config.Target;
import dev.tollgate.errors.ProviderError;
import dev.tollgate.providers.ChatCall;
import dev.tollgate.providers.ChatResult;
import dev.tollgate.providers.ChunkStream;
import dev.tollgate.providers.ProviderAdapter;
import dev.tollgate.secrets.Credential;
import software.amazon.awssdk.auth.token.credentials.SdkToken;
import software.amazon.awssdk.auth.token.credentials.StaticTokenProvider;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamResponse;

import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

/**
 * AWS Bedrock through the Converse API: the client's OpenAI request is translated to Converse, the answer back to
 * OpenAI {@code chat.completion} or chunks. Auth is SigV4 with the default credential chain, or a Bedrock API key
 * (bearer token) when the target names a credential.
 */
public final class BedrockAdapter implements ProviderAdapter {

    private final BedrockClients clients;
    private final BedrockErrorClassifier errors;
    private final Clock clock;

    public BedrockAdapter(Clock clock) {
        this(new BedrockClients(), clock);
    }

    BedrockAdapter(BedrockClients clients, Clock clock) {
        this.clients = clients;
        this.errors = new BedrockErrorClassifier(clock);
        this.clock = clock;
    }

    @Override
    public String type() {
        return "bedrock";
    }

    @Override
    public ChatResult complete(ChatCall call) {
        Target target = call.target();
        ConverseRequestMapper.ConverseInput input = ConverseRequestMapper.map(call.request(), target.model());
        ConverseRequest request = input.converse().toBuilder()
                .overrideConfiguration(override(call).apiCallTimeout(target.timeout()).build()).build();
        ConverseResponse response;
        try {
            response = clients.sync(key(call)).converse(request);
        } catch (RuntimeException e) {
            throw errors.classify(target.provider(), e, call.credential());
        }
        String requestId = response.responseMetadata() == null ? null : response.responseMetadata().requestId();
        return ConverseResponseMapper.map(response, completionId(requestId), clock.instant().getEpochSecond(),
                target.model());
    }

    @Override
    public ChunkStream openStream(ChatCall call) {
        Target target = call.target();
        ConverseRequestMapper.ConverseInput input = ConverseRequestMapper.map(call.request(), target.model());
        ConverseStreamRequest request = input.converseStream().toBuilder()
                .overrideConfiguration(override(call).build()).build();
        EventBridge events = new EventBridge();
        ConverseStreamResponse response;
        try {
            CompletableFuture<Void> future = clients.async(key(call)).converseStream(request, events);
            events.attach(future);
            response = events.awaitOpen(target.timeout());
        } catch (TimeoutException e) {
            events.cancel();
            throw ProviderError.timeout(target.provider(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            events.cancel();
            throw ProviderError.timeout(target.provider(), e);
        } catch (Throwable e) {
            events.cancel();
            if (e instanceof Error fatal) {
                throw fatal;
            }
            throw errors.classify(target.provider(), e, call.credential());
        }
        String requestId = response.responseMetadata() == null ? null : response.responseMetadata().requestId();
        ConverseStreamTranslator translator = new ConverseStreamTranslator(completionId(requestId),
                clock.instant().getEpochSecond(), target.model(), call.clientWantsUsage());
        return new BedrockChunkStream(events, translator, target.timeout());
    }

    private static BedrockClients.Key key(ChatCall call) {
        Target target = call.target();
        String region = target.options() == null ? null : target.options().path("region").asText(null);
        return new BedrockClients.Key(region, target.baseUrl(),
                call.credential().isPresent() ? BedrockClients.Auth.BEARER : BedrockClients.Auth.SIGV4);
    }

    private static AwsRequestOverrideConfiguration.Builder override(ChatCall call) {
        AwsRequestOverrideConfiguration.Builder builder = AwsRequestOverrideConfiguration.builder();
        Optional<Credential> credential = call.credential();
        credential.ifPresent(key -> builder.tokenIdentityProvider(
                StaticTokenProvider.create((SdkToken) key::reveal)));
        return builder;
    }

    private static String completionId(String requestId) {
        return "chatcmpl-" + (requestId == null || requestId.isBlank() ? UUID.randomUUID() : requestId);
    }
}
