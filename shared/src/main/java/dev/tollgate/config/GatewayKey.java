package dev.tollgate.config;

/** A gateway key allowed to call the gateway, known only by the SHA-256 of its plain text. */
public record GatewayKey(String id, String sha256) {
}
