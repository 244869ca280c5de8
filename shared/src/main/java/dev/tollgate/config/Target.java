package dev.tollgate.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.pricing.ModelPrice;
import dev.tollgate.secrets.CredentialRef;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * One place a request can be sent: a provider type, the model name it knows, where it lives and which credentials
 * it may use (a pool: a rate-limited key rotates to the next). {@code options} holds provider-specific settings
 * validated at load time; {@code contextWindow} (0 = unknown) and {@code price} (null = unknown) inform routing.
 */
public record Target(String id, String provider, String model, URI baseUrl, List<CredentialRef> credentials,
                     Duration timeout, ObjectNode options, long contextWindow, ModelPrice price) {

    public Target {
        credentials = List.copyOf(credentials);
        if (credentials.isEmpty()) {
            credentials = List.of(new CredentialRef.None());
        }
        if (id == null) {
            id = defaultId(provider, model, baseUrl);
        }
    }

    /** A target with one credential and no routing hints. */
    public Target(String provider, String model, URI baseUrl, CredentialRef credential, Duration timeout,
                  ObjectNode options) {
        this(null, provider, model, baseUrl, List.of(credential), timeout, options, 0, null);
    }

    /** The first credential of the pool. */
    public CredentialRef credential() {
        return credentials.getFirst();
    }

    /** The same target with a shorter timeout, for an attempt that must end before the request's deadline. */
    public Target withTimeout(Duration shorter) {
        return new Target(id, provider, model, baseUrl, credentials, shorter, options, contextWindow, price);
    }

    /** A short label for logs and response headers, never including a credential. */
    public String label() {
        return provider + "/" + model;
    }

    private static String defaultId(String provider, String model, URI baseUrl) {
        return provider + "/" + model + (baseUrl == null || baseUrl.getHost() == null ? "" : "@" + baseUrl.getHost()
                + (baseUrl.getPort() > 0 ? ":" + baseUrl.getPort() : ""));
    }
}
