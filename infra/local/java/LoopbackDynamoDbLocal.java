import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * Starts DynamoDB Local (same command-line options as its jar) listening on 127.0.0.1 only,
 * and stops it when the process that started it goes away, even if that process was killed.
 *
 * Why: DynamoDB Local has no option for the listen address (its Jetty server binds every
 * interface), and a JVM outlives a Node parent killed with SIGKILL. Run in Java's single-file
 * source mode (`java LoopbackDynamoDbLocal.java …`), so nothing is compiled ahead or committed
 * as bytecode. Telemetry is never configured, so none is sent (-disableTelemetry is passed too).
 */
public class LoopbackDynamoDbLocal {
  public static void main(String[] args) throws Exception {
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    Field serverField = DynamoDBProxyServer.class.getDeclaredField("server");
    serverField.setAccessible(true);
    Server server = (Server) serverField.get(proxy);
    for (Connector connector : server.getConnectors()) {
      if (connector instanceof ServerConnector network) network.setHost("127.0.0.1");
    }
    ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> Runtime.getRuntime().halt(0)));
    proxy.start();
    System.out.println("DynamoDB Local listening on 127.0.0.1");
    proxy.join();
  }
}
