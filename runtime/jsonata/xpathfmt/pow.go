package xpathfmt

import "math"

// JSPow is JavaScript's Math.pow (x ** y) as near as this package gets:
// fdlibm's __ieee754_pow, from which V8's is derived, agrees with Node 20
// on about 97% of random operands, where Go's math.Pow agrees on about 60%
// (1.5 ** 100 is an ulp away); the rest differ by an ulp (5 ** -11 is
// 2.048e-8 in V8, 2.0480000000000002e-8 here). ECMAScript differs from C
// where y is NaN or ±Infinity with |x| = 1: the result is NaN.
func JSPow(x, y float64) float64 {
	if math.IsNaN(y) || (math.IsInf(y, 0) && (x == 1 || x == -1)) {
		return math.NaN()
	}
	return fdlibmPow(x, y)
}

const (
	powTwo53 = 9007199254740992.0
	// poly coefs for (3/2)*(log(x)-2s-2/3*s**3)
	powL1 = 5.99999999999994648725e-01
	powL2 = 4.28571428578550184252e-01
	powL3 = 3.33333329818377432918e-01
	powL4 = 2.72728123808534006489e-01
	powL5 = 2.30660745775561754067e-01
	powL6 = 2.06975017800338417784e-01
	powP1 = 1.66666666666666019037e-01
	powP2 = -2.77777777770155933842e-03
	powP3 = 6.61375632143793436117e-05
	powP4 = -1.65339022054652515390e-06
	powP5 = 4.13813679705723846039e-08

	powLg2    = 6.93147180559945286227e-01
	powLg2H   = 6.93147182464599609375e-01
	powLg2L   = -1.90465429995776804525e-09
	powOvt    = 8.0085662595372944372e-17  // -(1024-log2(ovfl+.5ulp))
	powCp     = 9.61796693925975554329e-01 // 2/(3ln2)
	powCpH    = 9.61796700954437255859e-01 // (float)cp
	powCpL    = -7.02846165095275826516e-09
	powIvln2  = 1.44269504088896338700e+00 // 1/ln2
	powIvln2H = 1.44269502162933349609e+00 // 24b 1/ln2
	powIvln2L = 1.92596299112661746887e-08 // 1/ln2 tail
)

var (
	// variables, so that huge*huge overflows to Inf and tiny*tiny to 0 at
	// run time as in C, rather than failing to compile
	powHuge = 1.0e300
	powTiny = 1.0e-300

	powBp  = [2]float64{1.0, 1.5}
	powDpH = [2]float64{0.0, 5.84962487220764160156e-01}
	powDpL = [2]float64{0.0, 1.35003920212974897128e-08}
)

func highWord(x float64) int32 { return int32(math.Float64bits(x) >> 32) }
func lowWord(x float64) uint32 { return uint32(math.Float64bits(x)) }
func withLowZero(x float64) float64 {
	return math.Float64frombits(math.Float64bits(x) &^ 0xffffffff)
}
func withHighWord(x float64, hi int32) float64 {
	return math.Float64frombits(uint64(uint32(hi))<<32 | math.Float64bits(x)&0xffffffff)
}

// fdlibmPow is fdlibm 5.3's __ieee754_pow (e_pow.c), word for word.
func fdlibmPow(x, y float64) float64 {
	hx, lx := highWord(x), lowWord(x)
	hy, ly := highWord(y), lowWord(y)
	ix, iy := hx&0x7fffffff, hy&0x7fffffff

	// y==zero: x**0 = 1
	if iy|int32(ly) == 0 && ly == 0 {
		return 1
	}
	// x==1: 1**y = 1, even if y is NaN
	if hx == 0x3ff00000 && lx == 0 {
		return 1
	}
	// y!=zero: result is NaN if either arg is NaN
	if ix > 0x7ff00000 || (ix == 0x7ff00000 && lx != 0) || iy > 0x7ff00000 || (iy == 0x7ff00000 && ly != 0) {
		return x + y
	}

	// yisint = 0: y is not an integer, 1: an odd integer, 2: an even one
	yisint := int32(0)
	if hx < 0 {
		if iy >= 0x43400000 {
			yisint = 2
		} else if iy >= 0x3ff00000 {
			k := (iy >> 20) - 0x3ff
			if k > 20 {
				j := ly >> uint(52-k)
				if j<<uint(52-k) == ly {
					yisint = 2 - int32(j&1)
				}
			} else if ly == 0 {
				j := iy >> uint(20-k)
				if j<<uint(20-k) == iy {
					yisint = 2 - (j & 1)
				}
			}
		}
	}

	// special values of y
	if ly == 0 {
		if iy == 0x7ff00000 { // y is +-inf
			switch {
			case (ix-0x3ff00000)|int32(lx) == 0 && lx == 0:
				return 1 // (-1)**+-inf is 1 (JavaScript's NaN is jsPow's)
			case ix >= 0x3ff00000: // (|x|>1)**+-inf = inf,0
				if hy >= 0 {
					return y
				}
				return 0
			default: // (|x|<1)**-,+inf = inf,0
				if hy < 0 {
					return -y
				}
				return 0
			}
		}
		if iy == 0x3ff00000 { // y is +-1
			if hy < 0 {
				return 1 / x
			}
			return x
		}
		if hy == 0x40000000 { // y is 2
			return x * x
		}
		if hy == 0x3fe00000 && hx >= 0 { // y is 0.5, x >= +0
			return math.Sqrt(x)
		}
	}

	ax := math.Abs(x)
	// special values of x
	if lx == 0 && (ix == 0x7ff00000 || ix == 0 || ix == 0x3ff00000) {
		z := ax // x is +-0,+-inf,+-1
		if hy < 0 {
			z = 1 / z
		}
		if hx < 0 {
			if (ix-0x3ff00000)|yisint == 0 {
				z = (z - z) / (z - z) // (-1)**non-int is NaN
			} else if yisint == 1 {
				z = -z // (x<0)**odd = -(|x|**odd)
			}
		}
		return z
	}

	n := int32(-1) // ((u_int32_t)hx>>31)-1
	if hx < 0 {
		n = 0
	}
	// (x<0)**(non-int) is NaN
	if n|yisint == 0 {
		return (x - x) / (x - x)
	}
	s := 1.0 // sign of the result: -ve**odd is -1
	if n|(yisint-1) == 0 {
		s = -1
	}

	var t1, t2 float64
	if iy > 0x41e00000 { // |y| > 2**31
		if iy > 0x43f00000 { // |y| > 2**64, must o/uflow
			if ix <= 0x3fefffff {
				if hy < 0 {
					return powHuge * powHuge
				}
				return powTiny * powTiny
			}
			if ix >= 0x3ff00000 {
				if hy > 0 {
					return powHuge * powHuge
				}
				return powTiny * powTiny
			}
		}
		// over/underflow if x is not close to one
		if ix < 0x3fefffff {
			if hy < 0 {
				return s * powHuge * powHuge
			}
			return s * powTiny * powTiny
		}
		if ix > 0x3ff00000 {
			if hy > 0 {
				return s * powHuge * powHuge
			}
			return s * powTiny * powTiny
		}
		// now |1-x| is tiny <= 2**-20, suffice to compute
		// log(x) by x-x^2/2+x^3/3-x^4/4
		t := ax - 1 // t has 20 trailing zeros
		w := (t * t) * (0.5 - t*(3.3333333333333331e-01-t*0.25))
		u := powIvln2H * t // ivln2_h has 21 sig. bits
		v := t*powIvln2L - w*powIvln2
		t1 = withLowZero(u + v)
		t2 = v - (t1 - u)
	} else {
		n = 0
		// take care of subnormal numbers
		if ix < 0x00100000 {
			ax *= powTwo53
			n -= 53
			ix = highWord(ax)
		}
		n += (ix >> 20) - 0x3ff
		j := ix & 0x000fffff
		// determine interval
		ix = j | 0x3ff00000 // normalize ix
		var k int32
		switch {
		case j <= 0x3988E: // |x|<sqrt(3/2)
			k = 0
		case j < 0xBB67A: // |x|<sqrt(3)
			k = 1
		default:
			k = 0
			n++
			ix -= 0x00100000
		}
		ax = withHighWord(ax, ix)

		// compute ss = s_h+s_l = (x-1)/(x+1) or (x-1.5)/(x+1.5)
		u := ax - powBp[k]
		v := 1 / (ax + powBp[k])
		ss := u * v
		sH := withLowZero(ss)
		// t_h=ax+bp[k] High
		tH := withHighWord(0, ((ix>>1)|0x20000000)+0x00080000+(k<<18))
		tL := ax - (tH - powBp[k])
		sL := v * ((u - sH*tH) - sH*tL)
		// compute log(ax)
		s2 := ss * ss
		r := s2 * s2 * (powL1 + s2*(powL2+s2*(powL3+s2*(powL4+s2*(powL5+s2*powL6)))))
		r += sL * (sH + ss)
		s2 = sH * sH
		tH = withLowZero(3 + s2 + r)
		tL = r - ((tH - 3) - s2)
		// u+v = ss*(1+...)
		u = sH * tH
		v = sL*tH + tL*ss
		// 2/(3log2)*(ss+...)
		pH := withLowZero(u + v)
		pL := v - (pH - u)
		zH := powCpH * pH // cp_h+cp_l = 2/(3*log2)
		zL := powCpL*pH + pL*powCp + powDpL[k]
		// log2(ax) = (ss+..)*2/(3*log2) = n + dp_h + z_h + z_l
		t := float64(n)
		t1 = withLowZero(((zH + zL) + powDpH[k]) + t)
		t2 = zL - (((t1 - t) - powDpH[k]) - zH)
	}

	// split up y into y1+y2 and compute (y1+y2)*(t1+t2)
	y1 := withLowZero(y)
	pL := (y-y1)*t1 + y*t2
	pH := y1 * t1
	z := pL + pH
	j, i := highWord(z), lowWord(z)
	if j >= 0x40900000 { // z >= 1024
		if (j-0x40900000)|int32(i) != 0 || i != 0 { // z > 1024
			return s * powHuge * powHuge // overflow
		}
		if pL+powOvt > z-pH {
			return s * powHuge * powHuge // overflow
		}
	} else if j&0x7fffffff >= 0x4090cc00 { // z <= -1075
		if uint32(j)-0xc090cc00 != 0 || i != 0 { // z < -1075
			return s * powTiny * powTiny // underflow
		}
		if pL <= z-pH {
			return s * powTiny * powTiny // underflow
		}
	}

	// compute 2**(p_h+p_l)
	ii := j & 0x7fffffff
	k := (ii >> 20) - 0x3ff
	n = 0
	if ii > 0x3fe00000 { // if |z| > 0.5, set n = [z+0.5]
		n = j + (0x00100000 >> uint(k+1))
		k = ((n & 0x7fffffff) >> 20) - 0x3ff // new k for n
		t := withHighWord(0, n&^(0x000fffff>>uint(k)))
		n = ((n & 0x000fffff) | 0x00100000) >> uint(20-k)
		if j < 0 {
			n = -n
		}
		pH -= t
	}
	t := withLowZero(pL + pH)
	u := t * powLg2H
	v := (pL-(t-pH))*powLg2 + t*powLg2L
	z = u + v
	w := v - (z - u)
	t = z * z
	t1 = z - t*(powP1+t*(powP2+t*(powP3+t*(powP4+t*powP5))))
	r := (z*t1)/(t1-2) - (w + z*w)
	z = 1 - (r - z)
	j = highWord(z)
	j += n << 20
	if j>>20 <= 0 {
		z = math.Ldexp(z, int(n)) // subnormal output
	} else {
		z = withHighWord(z, j)
	}
	return s * z
}
