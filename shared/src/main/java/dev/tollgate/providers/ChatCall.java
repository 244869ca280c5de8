package dev.tollgate.providers;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tollgate.config.Target;
import dev.tollgate.secrets.Credential;

import java.util.Optional;

/**
 * One attempt at one target: the client's OpenAI-format request, the target, and its credential (empty
 * for keyless upstreams). {@code clientWantsUsage} says whether the client itself asked for the usage chunk.
 */
public record ChatCall(ObjectNode request, Target target, Optional<Credential> credential, boolean clientWantsUsage) {
}
