"""Floor 2: the vectorised formulas (propagation, link budgets, attenuation, sharing, licence
pricing, valuation, interference rights), each citing its equation and units."""
