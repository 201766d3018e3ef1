#!/usr/bin/env python3
# The between-process offset of real A/A runs (bench/RESULTS.md, issue 12, "Between-process
# offset"): each run's median paired log-ratio of a metric and the bootstrap variance of that
# median; Cochran's Q for a scatter of the runs' medians beyond their own standard errors, the
# DerSimonian–Laird τ (the SD of the difference between two processes of the same code) and a
# Q-profile one-sided 95% upper bound. Seeded; standard library only.
#   python3 bench/accuracy/process-offset.py bench/accuracy/results/real-trials-procsd.jsonl
import json, math, random, statistics as st, sys


def _lower_gamma_regularized(a, x):
    """P(a, x) by its series (x < a + 1) or continued fraction (Numerical Recipes' gser/gcf)."""
    if x <= 0:
        return 0.0
    gln = math.lgamma(a)
    if x < a + 1:
        term = total = 1.0 / a
        n = a
        for _ in range(1000):
            n += 1
            term *= x / n
            total += term
            if abs(term) < abs(total) * 1e-15:
                break
        return total * math.exp(-x + a * math.log(x) - gln)
    b = x + 1 - a
    c = 1 / 1e-300
    d = 1 / b
    h = d
    for i in range(1, 1000):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = 1e-300 if abs(d) < 1e-300 else d
        c = b + an / c
        c = 1e-300 if abs(c) < 1e-300 else c
        d = 1 / d
        delta = d * c
        h *= delta
        if abs(delta - 1) < 1e-15:
            break
    return 1 - math.exp(-x + a * math.log(x) - gln) * h


class chi2:
    @staticmethod
    def cdf(x, df):
        return _lower_gamma_regularized(df / 2, x / 2)

    @staticmethod
    def ppf(p, df):
        lo, hi = 0.0, 1000.0
        for _ in range(200):
            mid = (lo + hi) / 2
            if chi2.cdf(mid, df) < p:
                lo = mid
            else:
                hi = mid
        return (lo + hi) / 2

random.seed(1)
path=sys.argv[1]
rows=[json.loads(l) for l in open(path)]
def boot_var_median(x,B=2000):
    n=len(x); ms=[st.median(random.choices(x,k=n)) for _ in range(B)]
    return st.variance(ms)
for svc,cond in sorted(set((r['service'],r['condition']) for r in rows)):
  for metric in ['p50','mean','cpu']:
    for route in ['GET /slow','GET /steady','both']:
      ms=[];vs=[]
      for r in rows:
        if r['service']!=svc or r['condition']!=cond or r['shift']!=0: continue
        per=[]
        for s in r['samples']:
          if s['metric']!=metric: continue
          if route!='both' and s['target']!=route: continue
          per.append([math.log(h/b) for b,h in zip(s['base'],s['head'])])
        if not per: continue
        if route=='both':
          # average the two routes' log-ratios per pair: the offset the model puts on every route
          lr=[sum(v)/len(v) for v in zip(*per)]
        else: lr=per[0]
        ms.append(st.median(lr)); vs.append(boot_var_median(lr))
      k=len(ms)
      if k<3: continue
      w=[1/v for v in vs]; mbar=sum(wi*mi for wi,mi in zip(w,ms))/sum(w)
      Q=sum(wi*(mi-mbar)**2 for wi,mi in zip(w,ms))
      p=1-chi2.cdf(Q,k-1)
      c=sum(w)-sum(wi*wi for wi in w)/sum(w)
      tau2=max(0,(Q-(k-1))/c)
      # upper 95% of tau by the Q-profile-free shortcut: var of medians' upper bound minus mean within var
      s2=st.variance(ms)
      def qgen(t2):
          ww=[1/(v+t2) for v in vs]; mb=sum(a*b for a,b in zip(ww,ms))/sum(ww)
          return sum(a*(b-mb)**2 for a,b in zip(ww,ms))
      target=chi2.ppf(0.05,k-1)  # one-sided 95% upper bound of tau (Q-profile)
      if qgen(0)<=target: tau_up=0.0
      else:
          lo,hi=0.0,1.0
          for _ in range(100):
              mid=(lo+hi)/2
              if qgen(mid)>target: lo=mid
              else: hi=mid
          tau_up=math.sqrt(hi)
      print(f"{svc:5} {cond:5} {metric:5} {route:12} runs {k:2} medians sd {math.sqrt(s2)*100:5.2f}%  within-run se {math.sqrt(st.mean(vs))*100:5.2f}%  Q {Q:5.1f} (df {k-1}, p {p:.2f})  tau {math.sqrt(tau2)*100:5.2f}%  tau 95% upper {tau_up*100:5.2f}%")
