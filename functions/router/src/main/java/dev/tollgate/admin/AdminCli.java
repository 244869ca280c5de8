package dev.tollgate.admin;

import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The admin tool behind {@code ./tollgate keys|budgets|spend}: gateway keys, budgets and spend reports, on the
 * gateway's own DynamoDB tables. Output is plain aligned text. Errors are one line on stderr, exit code 2 for a
 * wrong command line and 1 for a failure of AWS (or anything else); never a stack trace, never a key.
 */
public final class AdminCli {

    static final String USAGE = """
            Usage: ./tollgate <keys|budgets|spend> ... [--keys-table T] [--budgets-table T] [--usage-table T]
                                                       [--state-table T]

            """ + KeysCommand.USAGE + BudgetsCommand.USAGE + SpendCommand.USAGE + """

            Tables are named by TOLLGATE_KEYS_TABLE, TOLLGATE_BUDGETS_TABLE, TOLLGATE_USAGE_TABLE and
            TOLLGATE_STATE_TABLE (usage and state default to the budgets table), as for the gateway, or by the options
            above. AWS is reached as the gateway reaches it: AWS_ENDPOINT_URL (an emulator), the default credential
            and region chains. Amounts are USD, exact to the nanodollar.
            """;

    private AdminCli() {
    }

    public static void main(String[] args) {
        quietLogging();
        System.exit(run(Arrays.asList(args), System.getenv(), System.out, System.err, Clock.systemUTC()));
    }

    /** Runs one command; returns the exit code. */
    public static int run(List<String> argv, Map<String, String> env, PrintStream out, PrintStream err, Clock clock) {
        if (argv.isEmpty() || List.of("help", "-h", "--help").contains(argv.getFirst())
                || argv.stream().skip(1).anyMatch(a -> a.equals("-h") || a.equals("--help"))) {
            (argv.isEmpty() ? err : out).print(USAGE);
            return argv.isEmpty() ? 2 : 0;
        }
        try (AdminContext context = new AdminContext(env, out, err, clock)) {
            String group = argv.getFirst();
            List<String> rest = argv.subList(1, argv.size());
            switch (group) {
                case "keys", "budgets" -> {
                    if (rest.isEmpty() || rest.getFirst().startsWith("--")) {
                        throw new UsageException("'" + group + "' needs a command: " + (group.equals("keys")
                                ? "create, list, revoke" : "set, show, release-stale"));
                    }
                    List<String> options = rest.subList(1, rest.size());
                    if (group.equals("keys")) {
                        KeysCommand.run(rest.getFirst(), options, context);
                    } else {
                        BudgetsCommand.run(rest.getFirst(), options, context);
                    }
                }
                case "spend" -> SpendCommand.run(rest, context);
                default -> throw new UsageException("unknown command '" + group + "' (keys, budgets, spend)");
            }
            return 0;
        } catch (UsageException e) {
            err.println("tollgate: " + e.getMessage() + " (see --help)");
            return 2;
        } catch (AwsServiceException e) {
            String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
            String detail = code == null ? firstLine(e.getMessage()) : code + ": " + e.awsErrorDetails().errorMessage();
            err.println("tollgate: AWS refused the request: " + detail + ("ResourceNotFoundException".equals(code)
                    ? " (check the table names, TOLLGATE_*_TABLE or --*-table, and the region)" : ""));
            return 1;
        } catch (SdkException e) {
            err.println("tollgate: AWS could not be reached: " + firstLine(e.getMessage()));
            return 1;
        } catch (RuntimeException e) {
            err.println("tollgate: failed: " + e.getClass().getSimpleName() + ": " + firstLine(e.getMessage()));
            return 1;
        }
    }

    /**
     * The AWS SDK logs through SLF4J 1.7, which, finding no logging backend in the jar, prints a three-line notice
     * on stderr at first use; a command-line tool's stderr is for its own messages. Lets SLF4J settle on its no-op
     * logger with stderr muted.
     */
    private static void quietLogging() {
        PrintStream stderr = System.err;
        System.setErr(new PrintStream(OutputStream.nullOutputStream()));
        try {
            LoggerFactory.getILoggerFactory();
        } finally {
            System.setErr(stderr);
        }
    }

    private static String firstLine(String message) {
        if (message == null || message.isBlank()) {
            return "(no detail)";
        }
        int end = message.indexOf('\n');
        return (end < 0 ? message : message.substring(0, end)).strip();
    }
}
