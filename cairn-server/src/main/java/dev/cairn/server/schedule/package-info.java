/**
 * Scheduled scans and re-certification of registered clusters: five-field cron schedules ({@link
 * dev.cairn.server.schedule.Cron}) and the server's {@link dev.cairn.server.schedule.Scheduler},
 * which runs the scanner {@code cairn scan} runs and the certifier {@code cairn certify} runs.
 */
@NullMarked
package dev.cairn.server.schedule;

import org.jspecify.annotations.NullMarked;
