package dev.vipd.daemon.health;

/**
 * Told when a check changes state. Called only on a real transition (DOWN to UP after {@code rise}
 * passes, UP to DOWN after {@code fall} failures), never for a result that confirms the state, and
 * not when a check is added or removed by a reload.
 *
 * <p>Called on a probe or scheduler thread while that check's state is locked, so calls for one
 * check arrive in order; calls for different checks may be concurrent. It must return quickly and
 * not call back into {@link HealthMonitor#update} or {@link HealthMonitor#close}.
 */
@FunctionalInterface
public interface HealthListener {
  /** {@code check} is now UP ({@code up}) or DOWN. */
  void changed(String check, boolean up);
}
