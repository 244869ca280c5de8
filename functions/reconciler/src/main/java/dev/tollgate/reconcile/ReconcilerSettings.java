package dev.tollgate.reconcile;

import dev.tollgate.budget.Money;
import dev.tollgate.reconcile.billing.AnthropicBillingSource;
import dev.tollgate.reconcile.billing.OpenAiBillingSource;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The reconciler's settings, from the environment (the Lambda's and the CLI's are the same variables):
 * <ul>
 *   <li>{@code TOLLGATE_USAGE_TABLE} (required): the ledger, its aggregates, and where records go</li>
 *   <li>{@code TOLLGATE_BUDGETS_TABLE}: the budgets, needed for true-up only</li>
 *   <li>{@code TOLLGATE_BILLING_SECRET}: id or ARN of the admin-keys secret ({@code openai_admin},
 *       {@code anthropic_admin}); without it, {@code OPENAI_ADMIN_KEY} and {@code ANTHROPIC_ADMIN_KEY}</li>
 *   <li>{@code TOLLGATE_RECONCILE_LOOKBACK_DAYS} (3): the scheduled run covers that many days before today</li>
 *   <li>{@code TOLLGATE_RECONCILE_LAG_HOURS} (24): how long after a day ends its bill may still be incomplete</li>
 *   <li>{@code TOLLGATE_RECONCILE_TOLERANCE_PCT} (1) and {@code TOLLGATE_RECONCILE_TOLERANCE_USD} (0.01)</li>
 *   <li>{@code TOLLGATE_RECONCILE_TRUE_UP} (false): adjust the provider budget windows by the drift</li>
 *   <li>{@code TOLLGATE_RECONCILE_OPENAI_PROJECTS}, {@code TOLLGATE_RECONCILE_ANTHROPIC_WORKSPACES}: comma lists;
 *       count only these projects' or workspaces' costs</li>
 *   <li>{@code TOLLGATE_OPENAI_ADMIN_URL}, {@code TOLLGATE_ANTHROPIC_ADMIN_URL}: API base URLs (tests, proxies)</li>
 * </ul>
 */
public record ReconcilerSettings(String usageTable, String budgetsTable, String billingSecret, int lookbackDays,
                                 Duration lag, Tolerance tolerance, boolean trueUp, String openAiBaseUrl,
                                 String anthropicBaseUrl, List<String> openAiProjects,
                                 List<String> anthropicWorkspaces) {

    public static ReconcilerSettings from(Map<String, String> env) {
        String usage = text(env, "TOLLGATE_USAGE_TABLE");
        if (usage == null) {
            throw new IllegalArgumentException("TOLLGATE_USAGE_TABLE is not set: the reconciler reads the ledger "
                    + "and writes its records there");
        }
        boolean trueUp = Boolean.parseBoolean(env.getOrDefault("TOLLGATE_RECONCILE_TRUE_UP", "false").trim());
        String budgets = text(env, "TOLLGATE_BUDGETS_TABLE");
        if (trueUp && budgets == null) {
            throw new IllegalArgumentException("TOLLGATE_RECONCILE_TRUE_UP needs TOLLGATE_BUDGETS_TABLE");
        }
        int lookback = integer(env, "TOLLGATE_RECONCILE_LOOKBACK_DAYS", 3, 1, 90);
        int lagHours = integer(env, "TOLLGATE_RECONCILE_LAG_HOURS", 24, 0, 24 * 31);
        BigDecimal pct = decimal(env, "TOLLGATE_RECONCILE_TOLERANCE_PCT", "1");
        BigDecimal usd = decimal(env, "TOLLGATE_RECONCILE_TOLERANCE_USD", "0.01");
        return new ReconcilerSettings(usage, budgets, text(env, "TOLLGATE_BILLING_SECRET"), lookback,
                Duration.ofHours(lagHours), new Tolerance(pct, Money.nanos(usd)), trueUp,
                env.getOrDefault("TOLLGATE_OPENAI_ADMIN_URL", OpenAiBillingSource.DEFAULT_BASE_URL),
                env.getOrDefault("TOLLGATE_ANTHROPIC_ADMIN_URL", AnthropicBillingSource.DEFAULT_BASE_URL),
                list(env, "TOLLGATE_RECONCILE_OPENAI_PROJECTS"), list(env, "TOLLGATE_RECONCILE_ANTHROPIC_WORKSPACES"));
    }

    /** The scheduled run's days: the lookback days before {@code today}, today excluded (it is not over). */
    public LocalDate[] defaultRange(LocalDate today) {
        return new LocalDate[] {today.minusDays(lookbackDays), today.minusDays(1)};
    }

    private static String text(Map<String, String> env, String name) {
        String value = env.get(name);
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static int integer(Map<String, String> env, String name, int fallback, int min, int max) {
        String value = text(env, name);
        try {
            int parsed = value == null ? fallback : Integer.parseInt(value);
            if (parsed < min || parsed > max) {
                throw new NumberFormatException();
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number from " + min + " to " + max);
        }
    }

    private static BigDecimal decimal(Map<String, String> env, String name, String fallback) {
        String value = text(env, name);
        try {
            BigDecimal parsed = new BigDecimal(value == null ? fallback : value);
            if (parsed.signum() < 0) {
                throw new NumberFormatException();
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a non-negative decimal number");
        }
    }

    private static List<String> list(Map<String, String> env, String name) {
        String value = text(env, name);
        return value == null ? List.of()
                : Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
