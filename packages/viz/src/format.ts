// Compact number formatting for tick labels (raster and SVG). Internal.

/** 3 significant digits, plain notation for 1e-3 <= |v| < 1e5, else exponent ('1.5e-5'). -0 -> '0'. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e5) return String(Number(v.toPrecision(3)));
  const [mant, exp] = v.toExponential(2).split('e');
  const m = mant.includes('.') ? mant.replace(/0+$/, '').replace(/\.$/, '') : mant;
  return `${m}e${exp.replace('+', '')}`;
}
