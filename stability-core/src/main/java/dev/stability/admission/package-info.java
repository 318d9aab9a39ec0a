/**
 * Admission control for servers: per-route concurrency limits (adaptive or static) with a bounded
 * wait queue, deadline-aware shedding and request priorities, so that a server under overload sheds
 * the excess cheaply instead of queueing every request past its deadline.
 *
 * <p>Start with {@link dev.stability.admission.AdmissionController#create(String,
 * dev.stability.admission.AdmissionConfig)}; ask {@link
 * dev.stability.admission.AdmissionController#admit} before any work and report the outcome on the
 * returned {@link dev.stability.admission.AdmissionPermit}. Export metrics with {@link
 * dev.stability.admission.AdmissionMetrics}.
 */
package dev.stability.admission;
