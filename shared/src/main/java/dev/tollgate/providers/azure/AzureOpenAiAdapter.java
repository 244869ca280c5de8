package dev.tollgate.providers.azure;

import dev.tollgate.providers.ChatCall;
import dev.tollgate.providers.ChatResult;
import dev.tollgate.providers.ChunkStream;
import dev.tollgate.providers.ProviderAdapter;
import dev.tollgate.providers.openai.OpenAiExchange;

import dev.tollgate.http.UpstreamClient;
import dev.tollgate.http.UpstreamRequest;
import java.time.Clock;
import java.util.function.Consumer;

/**
 * Azure OpenAI: OpenAI's Chat Completions wire format at the resource's own URL ({@link AzureOptions}), the key in
 * the {@code api-key} header. Answers, streams and errors are OpenAI's, read by the OpenAI adapter's pieces; Azure's
 * additions pass through: {@code content_filter_results}, {@code prompt_filter_results}, a
 * {@code finish_reason} of {@code content_filter}, and a prompt refused by the content filter (400,
 * code {@code content_filter}). The body carries the target's model: v1 reads it, the classic form ignores it
 * (the deployment in the URL decides).
 */
public final class AzureOpenAiAdapter implements ProviderAdapter {

    private final OpenAiExchange exchange;

    public AzureOpenAiAdapter(UpstreamClient http, Clock clock) {
        this.exchange = new OpenAiExchange(http, clock);
    }

    @Override
    public String type() {
        return "azure";
    }

    @Override
    public ChatResult complete(ChatCall call) {
        AzureOptions options = AzureOptions.of(call.target());
        return exchange.complete(call, options.chatUri(call.target().baseUrl()), OpenAiExchange.upstreamBody(call, false), apiKey(call));
    }

    @Override
    public ChunkStream openStream(ChatCall call) {
        AzureOptions options = AzureOptions.of(call.target());
        return exchange.openStream(call, options.chatUri(call.target().baseUrl()), OpenAiExchange.upstreamBody(call, true), apiKey(call));
    }

    private static Consumer<UpstreamRequest.Builder> apiKey(ChatCall call) {
        return request -> call.credential().ifPresent(c -> request.header("api-key", c.reveal()));
    }
}
