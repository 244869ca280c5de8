package dev.tollgate.it;

import static org.junit.jupiter.api.Assertions.fail;

/** Tests that talk to AWS wire protocols run under ./tollgate test, which starts the emulator and sets these. */
final class AwsTestEnvironment {

    private AwsTestEnvironment() {
    }

    /**
     * Fails (never skips) when the environment is missing: a suite that silently skipped its AWS tests would
     * pass while proving nothing. {@code TOLLGATE_IT_AWS=1} is set by ./tollgate test.
     */
    static void require() {
        if (!"1".equals(System.getenv("TOLLGATE_IT_AWS"))) {
            fail("AWS integration tests need ./tollgate test (it starts moto and sets AWS_ENDPOINT_URL), "
                    + "or TOLLGATE_IT_AWS=1 with AWS_ENDPOINT_URL/credentials pointing at LocalStack or an account.");
        }
    }
}
