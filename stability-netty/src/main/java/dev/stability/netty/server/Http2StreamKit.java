package dev.stability.netty.server;

import dev.stability.chain.ChainTracker;
import dev.stability.guard.Guard;
import dev.stability.time.Ticker;
import dev.stability.time.TimerScheduler;

/**
 * What every stream handler of one HTTP/2 connection shares: the server's collaborators and the
 * connection's exchange factory (its request-id sequence), answers and reports. Confined to the
 * connection's event loop, which runs all its streams.
 */
record Http2StreamKit(
    ServerConfig config,
    ServerMetrics metrics,
    Guard guard,
    ChainTracker chain,
    HttpMethods methods,
    ExchangeFactory factory,
    ServerAnswers answers,
    FailureReports failures,
    Ticker ticker,
    TimerScheduler scheduler,
    AdmissionGate admission) {}
