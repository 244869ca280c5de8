package dev.tollgate.providers;

/** A whole (non-streamed) completion in OpenAI format, with its usage. */
public record ChatResult(byte[] body, Usage usage) {
}
