/* The C reference of `escort bench`: the bandit step loops of SPG and of EPG with Theorem 2's step, in plain C.

   Built by numerics/c_reference.py with the system C compiler (-O3 -march=native -ffast-math, so gcc may call
   glibc's vector exp) and loaded with ctypes. It is what a careful hand-written loop achieves on this machine, so
   the numba/C ratio of `escort bench` says how far the compiled path (numerics/compiled.py) is from it.

   Same arithmetic as the compiled kernels (same centring, same order of passes), same outputs: θ after `steps`
   updates of each of B runs (in place, row-major B x K) and the number of sign changes of θ's entries per run.
   SPG (Eq. (1)):  θ ← θ + η·π ⊙ (r − πᵀr), π = softmax(θ).
   EPG (Eq. (4), Theorem 2, integer p = n):  with m = max|θ|, ρ = |θ|/m, S = Σ ρ^n,
                   θ ← θ + n·m·c·sgn θ·ρ^{n−1}·S^{2/n − 1}·(r − πᵀr),  c = 2/(9p²K^{1/p}) passed in by
                   the caller (numerics.engine.step_sizes, from theory/). */
#include <math.h>
#include <stdint.h>

static int64_t count_sign_changes(int64_t K, const double *before, const double *after) {
    int64_t changed = 0;
    for (int64_t a = 0; a < K; a++) changed += signbit(before[a]) != signbit(after[a]);
    return changed;
}

static void spg_step(int64_t K, const double *theta, const double *r, double eta, double *weight, double *out) {
    int64_t top = 0;
    double largest = theta[0];
    for (int64_t a = 1; a < K; a++)
        if (theta[a] > largest) { top = a; largest = theta[a]; }
    for (int64_t a = 0; a < K; a++) weight[a] = exp(theta[a] - largest);
    double total = 0.0, weighted = 0.0;
    for (int64_t a = 0; a < K; a++) {
        total += weight[a];
        weighted += weight[a] * (r[a] - r[top]);
    }
    double mean = weighted / total;
    for (int64_t a = 0; a < K; a++) out[a] = theta[a] + eta * (weight[a] / total * (r[a] - r[top] - mean));
}

/* S^{2/n − 1}: exactly 1 for n = 2. */
static double norm_power(double total, int64_t n) {
    return n == 2 ? 1.0 : exp((2.0 / n - 1.0) * log(total));
}

static void epg_step(int64_t K, const double *theta, const double *r, int64_t n, double constant,
                     double *weight, double *rising, double *out) {
    int64_t top = 0;
    double m = fabs(theta[0]);
    for (int64_t a = 1; a < K; a++)
        if (fabs(theta[a]) > m) { top = a; m = fabs(theta[a]); }
    for (int64_t a = 0; a < K; a++) {
        weight[a] = fabs(theta[a]) / m;
        rising[a] = 1.0;
    }
    for (int64_t i = 1; i < n; i++)
        for (int64_t a = 0; a < K; a++) rising[a] *= weight[a];
    double total = 0.0;
    for (int64_t a = 0; a < K; a++) {
        rising[a] = copysign(rising[a], theta[a]);
        weight[a] = rising[a] * theta[a] / m;
        total += weight[a];
    }
    double mean = 0.0;
    for (int64_t a = 0; a < K; a++) mean += weight[a] * (r[a] - r[top]);
    mean /= total;
    double scale = m * (n * constant * norm_power(total, n));
    for (int64_t a = 0; a < K; a++) out[a] = theta[a] + scale * rising[a] * (r[a] - r[top] - mean);
}

void spg_runs(int64_t B, int64_t K, double *theta, const double *r, double eta, int64_t steps, int64_t *flips) {
    double weight[K], moved[K];
    for (int64_t b = 0; b < B; b++) {
        double *row = theta + b * K;
        for (int64_t t = 0; t < steps; t++) {
            spg_step(K, row, r + b * K, eta, weight, moved);
            flips[b] += count_sign_changes(K, row, moved);
            for (int64_t a = 0; a < K; a++) row[a] = moved[a];
        }
    }
}

void epg_runs(int64_t B, int64_t K, double *theta, const double *r, int64_t n, double constant, int64_t steps,
              int64_t *flips) {
    double weight[K], rising[K], moved[K];
    for (int64_t b = 0; b < B; b++) {
        double *row = theta + b * K;
        for (int64_t t = 0; t < steps; t++) {
            epg_step(K, row, r + b * K, n, constant, weight, rising, moved);
            flips[b] += count_sign_changes(K, row, moved);
            for (int64_t a = 0; a < K; a++) row[a] = moved[a];
        }
    }
}
