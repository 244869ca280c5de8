package dev.tollgate.providers;

import dev.tollgate.errors.ProviderError;

/**
 * One provider's wire format. Deliberately small: translate and send a chat request, whole or streamed.
 * Both methods throw {@link ProviderError} for failures known before any output exists.
 */
public interface ProviderAdapter {

    /** The provider type named in config, e.g. {@code openai}. */
    String type();

    ChatResult complete(ChatCall call) throws ProviderError;

    ChunkStream openStream(ChatCall call) throws ProviderError;
}
