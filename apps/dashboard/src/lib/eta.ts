/**
 * Time left of a running job, from the time it has run and the share done: a linear extrapolation,
 * shown only once there is something to extrapolate from (1 % done and 2 s run).
 */
export function remainingSeconds(elapsedSeconds: number, fraction: number): number | null {
  if (!(fraction >= 0.01) || !(elapsedSeconds >= 2) || fraction >= 1) return null;
  return (elapsedSeconds * (1 - fraction)) / fraction;
}

/** "about 40 s left", "about 3 min left", "about 1 h 5 min left". */
export function formatRemaining(seconds: number): string {
  if (seconds < 60) return `about ${Math.max(1, Math.round(seconds / 5) * 5 || 1)} s left`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `about ${minutes} min left`;
  return `about ${Math.floor(minutes / 60)} h ${minutes % 60} min left`;
}
