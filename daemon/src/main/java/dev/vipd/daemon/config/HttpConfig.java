package dev.vipd.daemon.config;

import java.net.InetAddress;
import java.util.Objects;

/** The read-only HTTP endpoint ({@code /metrics}, {@code /status}, {@code /healthz}). */
public record HttpConfig(InetAddress host, int port) {

  public HttpConfig {
    Objects.requireNonNull(host, "host");
  }
}
