// Runs panopt's CUDA kernels on the host, for the tests: a CUDA grid becomes `block` host threads that
// each walk every block in turn; __syncthreads() is a barrier among them, __shared__ memory is a static
// (blocks run one after another, so one copy serves every block). The kernels' source is the same text
// NVRTC compiles on a GPU machine. What this cannot show: NVRTC accepting the source, the device's
// math-library rounding, and races between blocks (blocks never overlap here).
#include <barrier>
#include <cmath>
#include <cstring>
#include <math.h>
#include <thread>
#include <vector>

struct dim3 { unsigned x, y, z; };
static thread_local dim3 threadIdx;
static thread_local dim3 blockIdx;
static dim3 blockDim;
static dim3 gridDim;
static std::barrier<>* pn_emu_barrier;

#define __global__
#define __device__
#define __forceinline__ inline
#define __shared__ static

inline void __syncthreads() { pn_emu_barrier->arrive_and_wait(); }
inline int __float_as_int(float f) { int i; std::memcpy(&i, &f, 4); return i; }
inline float __int_as_float(int i) { float f; std::memcpy(&f, &i, 4); return f; }
inline long long __double_as_longlong(double d) { long long i; std::memcpy(&i, &d, 8); return i; }
inline double __longlong_as_double(long long i) { double d; std::memcpy(&d, &i, 8); return d; }

template <typename Body> void pn_emu_run(unsigned grid, unsigned block, Body body) {
    gridDim = {grid, 1, 1};
    blockDim = {block, 1, 1};
    std::barrier<> barrier(block);
    pn_emu_barrier = &barrier;
    std::vector<std::thread> threads;
    threads.reserve(block);
    for (unsigned t = 0; t < block; t++) {
        threads.emplace_back([&, t] {
            threadIdx = {t, 0, 0};
            for (unsigned b = 0; b < grid; b++) {
                blockIdx = {b, 0, 0};
                body();
                barrier.arrive_and_wait(); // the next block may reuse the __shared__ statics
            }
        });
    }
    for (auto& th : threads) th.join();
}
