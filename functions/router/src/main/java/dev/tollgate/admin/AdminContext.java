package dev.tollgate.admin;

import dev.tollgate.core.GatewayFactory;
import dev.tollgate.store.DynamoDbBudgetStore;
import dev.tollgate.store.DynamoDbKeyStore;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.io.PrintStream;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

/**
 * What a command works with: output streams, the clock, and the tables, named as the gateway names them (the
 * TOLLGATE_*_TABLE variables, overridden by --*-table options) and reached the way it reaches them (AWS_ENDPOINT_URL,
 * the default credential and region chains).
 */
final class AdminContext implements AutoCloseable {

    final PrintStream out;
    final PrintStream err;
    final Clock clock;
    private final Map<String, String> env;
    private DynamoDbClient client;

    AdminContext(Map<String, String> env, PrintStream out, PrintStream err, Clock clock) {
        this.env = env;
        this.out = out;
        this.err = err;
        this.clock = clock;
    }

    DynamoDbKeyStore keys(Args args) {
        return new DynamoDbKeyStore(this::dynamo, table(args, "keys-table", "TOLLGATE_KEYS_TABLE")
                .orElseThrow(() -> missing("keys-table", "TOLLGATE_KEYS_TABLE")));
    }

    /** The budget store; usage and state tables default to the budgets table, as in the gateway. */
    DynamoDbBudgetStore budgets(Args args) {
        String budgets = table(args, "budgets-table", "TOLLGATE_BUDGETS_TABLE")
                .orElseThrow(() -> missing("budgets-table", "TOLLGATE_BUDGETS_TABLE"));
        return new DynamoDbBudgetStore(this::dynamo, budgets,
                table(args, "usage-table", "TOLLGATE_USAGE_TABLE").orElse(budgets),
                table(args, "state-table", "TOLLGATE_STATE_TABLE").orElse(budgets));
    }

    /** A store for reading the ledger only: it needs the usage table (the budgets table when that holds it). */
    DynamoDbBudgetStore ledger(Args args) {
        String usage = table(args, "usage-table", "TOLLGATE_USAGE_TABLE")
                .or(() -> table(args, "budgets-table", "TOLLGATE_BUDGETS_TABLE"))
                .orElseThrow(() -> missing("usage-table", "TOLLGATE_USAGE_TABLE"));
        return new DynamoDbBudgetStore(this::dynamo, usage, usage, usage);
    }

    private Optional<String> table(Args args, String option, String variable) {
        return args.optional(option).or(() -> Optional.ofNullable(env.get(variable)).map(String::trim))
                .filter(name -> !name.isEmpty());
    }

    private static UsageException missing(String option, String variable) {
        return new UsageException("no table name: pass --" + option + " or set " + variable);
    }

    private DynamoDbClient dynamo() {
        if (client == null) {
            client = GatewayFactory.dynamoDb(env);
        }
        return client;
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
        }
    }
}
