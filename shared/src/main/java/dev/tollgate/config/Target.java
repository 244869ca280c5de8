package dev.tollgate.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.secrets.CredentialRef;

import java.net.URI;
import java.time.Duration;

/**
 * One place a request can be sent: a provider type, the model name it knows, where it lives and which
 * credential it needs. {@code options} holds provider-specific settings validated at load time.
 */
public record Target(String provider, String model, URI baseUrl, CredentialRef credential,
                     Duration timeout, ObjectNode options) {

    /** A short label for logs and response headers, never including the credential. */
    public String label() {
        return provider + "/" + model;
    }
}
