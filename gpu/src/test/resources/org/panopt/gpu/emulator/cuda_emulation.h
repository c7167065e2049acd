// Runs panopt's CUDA kernels on the host, for the tests, on the calling thread.
//
// A grid runs block after block. Within a block, a kernel without __syncthreads() runs its threads one
// after another (nothing in it can observe the order); a kernel with __syncthreads() runs its threads as
// cooperative fibers that switch at each barrier, so every thread reaches the barrier before any passes
// it, as on the device. __shared__ memory is a static: blocks never overlap.
//
// The kernels are the same text NVRTC compiles on a GPU machine. What this cannot show: NVRTC accepting
// the source, the device math library's rounding, and races (nothing runs concurrently here).
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <math.h>
#include <csetjmp>
#include <setjmp.h>
#include <ucontext.h>
#include <vector>

struct dim3 { unsigned x, y, z; };
static dim3 threadIdx;
static dim3 blockIdx;
static dim3 blockDim;
static dim3 gridDim;

#define __global__
#define __device__
#define __forceinline__ inline
#define __shared__ static

inline int __float_as_int(float f) { int i; std::memcpy(&i, &f, 4); return i; }
inline float __int_as_float(int i) { float f; std::memcpy(&f, &i, 4); return f; }
inline long long __double_as_longlong(double d) { long long i; std::memcpy(&i, &d, 8); return i; }
inline double __longlong_as_double(long long i) { double d; std::memcpy(&d, &i, 8); return d; }

// ---- fibers for kernels with barriers: made once per launch, switched with _setjmp/_longjmp (no system
// call per switch, unlike swapcontext); entered the first time with setcontext.
static std::vector<ucontext_t> pn_emu_fibers;
struct PnEmuEnv { jmp_buf env; };
static std::vector<PnEmuEnv> pn_emu_fiber_env;
static std::vector<int> pn_emu_state; // 0 runnable, 1 waiting at the barrier, 2 finished this block
static std::vector<bool> pn_emu_started;
static jmp_buf pn_emu_scheduler;
static unsigned pn_emu_current;
static void (*pn_emu_body)(void*);
static void* pn_emu_body_arg;
static bool pn_emu_cooperative;

inline void __syncthreads() {
    if (!pn_emu_cooperative) {
        std::fprintf(stderr, "cuda_emulation: __syncthreads() in a kernel not marked as using barriers\n");
        std::abort();
    }
    pn_emu_state[pn_emu_current] = 1;
    if (_setjmp(pn_emu_fiber_env[pn_emu_current].env) == 0) _longjmp(pn_emu_scheduler, 1);
}

static void pn_emu_fiber_main() {
    for (;;) { // one iteration per block; resumed by the scheduler for the next one
        pn_emu_body(pn_emu_body_arg);
        pn_emu_state[pn_emu_current] = 2;
        if (_setjmp(pn_emu_fiber_env[pn_emu_current].env) == 0) _longjmp(pn_emu_scheduler, 1);
    }
}

template <typename Body> void pn_emu_call(void* arg) { (*static_cast<Body*>(arg))(); }

// Runs the grid; `cooperative` for kernels that call __syncthreads().
template <typename Body> void pn_emu_run(unsigned grid, unsigned block, bool cooperative, Body body) {
    gridDim = {grid, 1, 1};
    blockDim = {block, 1, 1};
    if (!cooperative) {
        pn_emu_cooperative = false;
        for (unsigned b = 0; b < grid; b++) {
            blockIdx = {b, 0, 0};
            for (unsigned t = 0; t < block; t++) {
                threadIdx = {t, 0, 0};
                body();
            }
        }
        return;
    }
    pn_emu_cooperative = true;
    pn_emu_body = &pn_emu_call<Body>;
    pn_emu_body_arg = &body;
    const size_t stack = 128 * 1024;
    std::vector<char> stacks((size_t) block * stack);
    pn_emu_fibers.assign(block, ucontext_t());
    pn_emu_fiber_env.assign(block, PnEmuEnv());
    pn_emu_started.assign(block, false);
    pn_emu_state.assign(block, 0);
    for (unsigned t = 0; t < block; t++) {
        getcontext(&pn_emu_fibers[t]);
        pn_emu_fibers[t].uc_stack.ss_sp = stacks.data() + (size_t) t * stack;
        pn_emu_fibers[t].uc_stack.ss_size = stack;
        pn_emu_fibers[t].uc_link = nullptr;
        makecontext(&pn_emu_fibers[t], pn_emu_fiber_main, 0);
    }
    for (unsigned b = 0; b < grid; b++) {
        blockIdx = {b, 0, 0};
        for (unsigned t = 0; t < block; t++) pn_emu_state[t] = 0;
        for (;;) { // one barrier phase per pass: run every fiber until it waits or finishes
            unsigned waiting = 0, done = 0;
            for (unsigned t = 0; t < block; t++) {
                if (pn_emu_state[t] == 2) { done++; continue; }
                pn_emu_state[t] = 0;
                pn_emu_current = t;
                threadIdx = {t, 0, 0};
                if (_setjmp(pn_emu_scheduler) == 0) {
                    if (!pn_emu_started[t]) {
                        pn_emu_started[t] = true;
                        setcontext(&pn_emu_fibers[t]);
                    }
                    _longjmp(pn_emu_fiber_env[t].env, 1);
                }
                if (pn_emu_state[t] == 1) waiting++; else done++;
            }
            if (done == block) break;
            if (waiting != block) {
                std::fprintf(stderr, "cuda_emulation: %u of %u threads of block %u wait at __syncthreads() while the others have returned\n",
                             waiting, block, b);
                std::abort();
            }
        }
    }
    pn_emu_cooperative = false;
}
