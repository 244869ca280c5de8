package dev.tollgate.router;

import dev.tollgate.config.DemoConfig;
import dev.tollgate.core.Gateway;
import dev.tollgate.core.GatewayFactory;
import dev.tollgate.log.RequestLog;
import dev.tollgate.secrets.CredentialResolver;

import java.time.Clock;
import java.util.Map;

/** A gateway on the embedded demo config with a silent log, for tests of the doors. */
final class LambdaHandlerTestSupport {

    private LambdaHandlerTestSupport() {
    }

    static Gateway demoGateway() {
        return new Gateway(DemoConfig.load(Map.of()).config(), GatewayFactory.providers(Clock.systemUTC()),
                new CredentialResolver(Map.of(), null, null), new RequestLog(line -> { }));
    }
}
