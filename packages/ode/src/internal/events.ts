/**
 * Illinois (modified regula falsi) root finding of g on [tl, tr] given g(tl) = gl and g(tr) = gr of
 * opposite signs (or gr = 0). Returns the right end of the final bracket: a time at which g has
 * already changed sign (or is zero), within `tol` of the root. `g` evaluates the event function at t.
 */
export function illinois(
  g: (t: number) => number,
  tl: number,
  gl: number,
  tr: number,
  gr: number,
  tol: number,
): number {
  if (gr === 0) return tr;
  let side = 0;
  for (let iter = 0; iter < 500; iter++) {
    if (Math.abs(tr - tl) <= tol) break;
    let tm = tr - (gr * (tr - tl)) / (gr - gl);
    const lo = Math.min(tl, tr);
    const hi = Math.max(tl, tr);
    // fall back to bisection when the secant point is not strictly inside or progress stalls
    if (!(tm > lo && tm < hi) || iter > 60) tm = 0.5 * (tl + tr);
    if (tm === tl || tm === tr) break;
    const gm = g(tm);
    if (gm === 0) return tm;
    if (gm * gl > 0) {
      tl = tm;
      gl = gm;
      if (side === -1) gr *= 0.5;
      side = -1;
    } else {
      tr = tm;
      gr = gm;
      if (side === 1) gl *= 0.5;
      side = 1;
    }
  }
  return tr;
}

/** Whether g went from gPrev to gNew across zero in the allowed direction (a zero start never fires). */
export function crosses(gPrev: number, gNew: number, direction: number): boolean {
  if (gPrev < 0) return gNew >= 0 && direction >= 0;
  if (gPrev > 0) return gNew <= 0 && direction <= 0;
  return false;
}
