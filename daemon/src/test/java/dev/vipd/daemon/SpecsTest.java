package dev.vipd.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vipd.daemon.config.ConfigLoader;
import dev.vipd.daemon.config.VipdConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a node declares to the cluster about the pools it has loaded. */
class SpecsTest {
  @TempDir Path dir;

  @Test
  void aPoolsDigestDependsOnItsAddressesNotOnTheirOrderOrSpelling() throws Exception {
    Map<String, String> a = Specs.poolDigests(config(
        "[\"198.51.100.100-198.51.100.101\", \"2001:db8::100\"]"));
    Map<String, String> sameSet = Specs.poolDigests(config(
        "[\"2001:DB8:0::100\", \"198.51.100.101\", \"198.51.100.100\"]"));
    Map<String, String> other = Specs.poolDigests(config("[\"198.51.100.100\"]"));

    assertThat(a).containsOnlyKeys("web");
    assertThat(a.get("web")).hasSize(64).isEqualTo(sameSet.get("web"));
    assertThat(other.get("web")).isNotEqualTo(a.get("web"));
  }

  @Test
  void interfacesAreLookedUpInTheKernelNotAmongThoseWithAddresses() {
    assertThat(Specs.interfaceExists("lo")).isTrue();
    assertThat(Specs.interfaceExists("vipdnosuch0")).isFalse();
    assertThat(Specs.interfaceExists("")).isFalse();
    assertThat(Specs.interfaceExists("a-name-longer-than-ifnamsiz")).isFalse();
  }

  private VipdConfig config(String addresses) throws Exception {
    Path secret = dir.resolve("cluster.key");
    if (!Files.exists(secret)) {
      Files.writeString(secret, "0123456789abcdef0123456789abcdef\n");
      Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
    }
    Path file = Files.writeString(dir.resolve("vipd.conf"), "vipd {\n  node.name = h1\n"
        + "  cluster.secret-file = \"" + secret + "\"\n  pools = [{ name = web, interface = eth0,"
        + " addresses = " + addresses + " }]\n}\n");
    return ConfigLoader.load(file);
  }
}
