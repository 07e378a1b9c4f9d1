// fdlibm asin constants, shared by the scalar asin (special.ts) and its f64x2 version (committee_simd.ts).
// Kept out of special.ts so that `export *` in index.ts does not turn them into exported Wasm globals.
export const PIO2_HI: f64 = 1.57079632679489655800e+00;
export const PIO2_LO: f64 = 6.12323399573676603587e-17;
export const PS0: f64 = 1.66666666666666657415e-01;
export const PS1: f64 = -3.25565818622400915405e-01;
export const PS2: f64 = 2.01212532134862925881e-01;
export const PS3: f64 = -4.00555345006794114027e-02;
export const PS4: f64 = 7.91534994289814532176e-04;
export const PS5: f64 = 3.47933107596021167570e-05;
export const QS1: f64 = -2.40339491173441421878e+00;
export const QS2: f64 = 2.02094576023350569471e+00;
export const QS3: f64 = -6.88283971605453293030e-01;
export const QS4: f64 = 7.70381505559019352791e-02;
