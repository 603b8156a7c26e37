package dev.cairn.cli;

import dev.cairn.deploy.duties.Identities;
import dev.cairn.deploy.duties.Identity;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
    name = "identity",
    subcommands = {IdentityCommand.Init.class, IdentityCommand.Show.class})
final class IdentityCommand extends Sub {
  @Command(name = "init")
  static final class Init extends Sub {
    @Parameters(paramLabel = "NAME", descriptionKey = "identity-name")
    @SuppressWarnings("NullAway.Init")
    String name;

    @Override
    public Integer call() throws Exception {
      Identity id = Identities.init(home(), name);
      out().printf("Identity %s (key %s) in %s%n", id.name(), id.keyId(), Identities.dir(home()));
      out().printf("public key: %s%n", id.publicKey());
      out().flush();
      return Main.OK;
    }
  }

  @Command(name = "show")
  static final class Show extends Sub {
    @Override
    public Integer call() throws Exception {
      Identity id = Identities.show(home());
      out().printf("name: %s%nkey id: %s%npublic key: %s%n", id.name(), id.keyId(), id.publicKey());
      out().flush();
      return Main.OK;
    }
  }
}
