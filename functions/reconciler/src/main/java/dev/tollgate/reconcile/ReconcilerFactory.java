package dev.tollgate.reconcile;

import dev.tollgate.core.GatewayFactory;
import dev.tollgate.core.Lazy;
import dev.tollgate.log.RequestLog;
import dev.tollgate.reconcile.billing.AnthropicBillingSource;
import dev.tollgate.reconcile.billing.BillingKeys;
import dev.tollgate.reconcile.billing.BillingSource;
import dev.tollgate.reconcile.billing.OpenAiBillingSource;
import dev.tollgate.reconcile.ledger.DynamoDbLedgerTotals;
import dev.tollgate.reconcile.report.DriftMetrics;
import dev.tollgate.reconcile.store.DynamoDbReconciliationStore;
import dev.tollgate.reconcile.store.DynamoDbTrueUp;
import dev.tollgate.reconcile.store.ReconciliationStore;
import dev.tollgate.reconcile.store.TrueUp;
import dev.tollgate.routing.Sleeper;
import dev.tollgate.secrets.Credential;
import dev.tollgate.secrets.SecretsManagerSecretSource;
import dev.tollgate.store.DynamoDbBudgetStore;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Wires a {@link Reconciler} from the environment: the same for the Lambda and the CLI. */
public final class ReconcilerFactory {

    private ReconcilerFactory() {
    }

    public static Reconciler fromEnvironment(Map<String, String> env, ReconcilerSettings settings, Clock clock,
                                             RequestLog log, DriftMetrics metrics) {
        Lazy<DynamoDbClient> dynamo = new Lazy<>(() -> GatewayFactory.dynamoDb(env));
        SecretsManagerSecretSource secrets = new SecretsManagerSecretSource(
                new Lazy<>(() -> GatewayFactory.secretsManager(env)), Duration.ofMinutes(5), clock);
        Map<String, Credential> keys = BillingKeys.load(env, secrets, settings.billingSecret());
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        List<BillingSource> sources = new ArrayList<>();
        Map<String, String> unavailable = new HashMap<>();
        for (String provider : BillingKeys.providers()) {
            Credential key = keys.get(provider);
            if (key == null) {
                unavailable.put(provider, BillingKeys.missing(provider, settings.billingSecret()));
            } else if (provider.equals("openai")) {
                sources.add(new OpenAiBillingSource(http, settings.openAiBaseUrl(), key, settings.openAiProjects(),
                        clock, Sleeper.REAL));
            } else {
                sources.add(new AnthropicBillingSource(http, settings.anthropicBaseUrl(), key,
                        settings.anthropicWorkspaces(), clock, Sleeper.REAL));
            }
        }
        ReconciliationStore store = new DynamoDbReconciliationStore(dynamo, settings.usageTable());
        TrueUp trueUp = !settings.trueUp() ? null
                : new DynamoDbTrueUp(dynamo, new DynamoDbBudgetStore(dynamo, settings.budgetsTable(),
                        settings.usageTable(), settings.usageTable()), settings.budgetsTable(), settings.usageTable());
        return new Reconciler(sources, unavailable, new DynamoDbLedgerTotals(dynamo, settings.usageTable()), store,
                trueUp, metrics, settings.tolerance(), settings.lag(), clock, log);
    }
}
