package dev.tollgate.admin;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The options of one command: {@code --name value} or {@code --name=value}, each at most once, only those the
 * command knows (plus the table flags every command accepts). No positional arguments.
 */
final class Args {

    /** Table names, accepted by every command (they override the TOLLGATE_*_TABLE variables). */
    static final Set<String> TABLE_FLAGS = Set.of("keys-table", "budgets-table", "usage-table", "state-table");

    private final String command;
    private final Map<String, String> values;

    private Args(String command, Map<String, String> values) {
        this.command = command;
        this.values = values;
    }

    static Args parse(String command, List<String> argv, Set<String> known) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < argv.size(); i++) {
            String arg = argv.get(i);
            if (!arg.startsWith("--") || arg.length() == 2) {
                throw new UsageException("unexpected argument '" + arg + "' for '" + command + "'");
            }
            String name = arg.substring(2);
            String value;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            } else if (i + 1 < argv.size() && !argv.get(i + 1).startsWith("--")) {
                value = argv.get(++i);
            } else {
                throw new UsageException("--" + name + " needs a value");
            }
            if (!known.contains(name) && !TABLE_FLAGS.contains(name)) {
                throw new UsageException("unknown option --" + name + " for '" + command + "' (options: "
                        + String.join(", ", new TreeSet<>(known).stream().map(k -> "--" + k).toList()) + ")");
            }
            if (values.put(name, value) != null) {
                throw new UsageException("--" + name + " is given twice");
            }
        }
        return new Args(command, values);
    }

    Optional<String> optional(String name) {
        return Optional.ofNullable(values.get(name)).map(String::trim);
    }

    String required(String name) {
        String value = values.get(name);
        if (value == null || value.isBlank()) {
            throw new UsageException("'" + command + "' needs --" + name);
        }
        return value.trim();
    }

    String command() {
        return command;
    }
}
