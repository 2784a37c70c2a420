# Cython declarations for replica.py (an "augmenting .pxd"): replica.py stays plain Python and is
# the reference; when the optional extension is built, these types make the step loop C-typed.
cimport cython

cdef class Segment:
    cdef public long k_max
    cdef public double a, b, d

cdef class ReplicaCore:
    cdef public double t0, c_seq, c_kv, c_pf, c_pf_low, c_pf_attn, c_req, c_over, overhead
    cdef public long pf_knee, knee, max_seqs, max_batched, max_model_len, frag, cap
    cdef public object book
    cdef public list _unfit, inp, out, need, _admit_t
    cdef public double now, area, _last_t, busy_s
    cdef public object waiting
    cdef public list prefilling, heap, _pending_pf
    cdef public long reserved, _stale, freed, S, B, C, _order
    cdef public dict running, dec, gen, cached
    cdef public object planned
    cdef public long in_system, steps, completed, resumes, resume_tokens, cache_hit_tokens

    @cython.locals(room=long, k=long, q=long, base=double, b=double)
    cdef object _decode_run(self, long B, long C)

    @cython.locals(B=long, C=long, room=long, k=long, q=long, frag=long, reserved=long, budget=long,
                   pf_tokens=long, pf_ctx=double, chunk=long, need=long, todo=long, req=long,
                   base=double, b=double, above=long, pf_s=double, a=double, hit=long, cap=long, max_seqs=long)
    cpdef object plan(self)

    @cython.locals(dt=double, t_end=double, S=long, B=long, C=long, fs=long, order=long, req=long,
                   ctx=long, t_first=double, completed=long, reserved=long, need=long, gen=long,
                   left=long, last=double, t_fin=double, n=long)
    cpdef list commit(self, Segment seg, long k, double plan_before=*)
