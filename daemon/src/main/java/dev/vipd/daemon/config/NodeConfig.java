package dev.vipd.daemon.config;

import java.util.Map;
import java.util.Objects;

/** This node: its name in the cluster and its labels, matched by pools' node selectors. */
public record NodeConfig(String name, Map<String, String> labels) {

  public NodeConfig {
    Objects.requireNonNull(name, "name");
    labels = Map.copyOf(labels);
  }
}
