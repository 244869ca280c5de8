package dev.tollgate.config;

import java.util.List;

/** A configuration that cannot be used; each problem names its path, e.g. {@code models[2].targets[0].provider}. */
public final class ConfigException extends RuntimeException {

    private final List<String> problems;

    public ConfigException(String source, List<String> problems) {
        super("Invalid Tollgate config (" + source + "):\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
