using System.Globalization;
using System.Numerics;
using System.Text;

namespace WebhookFunctions.Engine.Subscriptions.Filters;

/// <summary>
/// Compares JSON numbers by their decimal value, exactly: no conversion to double or decimal, so 2^64+1 and
/// 0.1000000000000000000001 keep every digit, and 1, 1.0 and 10e-1 are equal. Works on the UTF-8 text of valid JSON numbers.
/// </summary>
internal static class ExactNumber
{
    public static int Compare(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        var x = Parse(left);
        var y = Parse(right);
        if (x.Sign != y.Sign)
        {
            return x.Sign.CompareTo(y.Sign);
        }

        return x.Sign == 0 ? 0 : x.Sign * CompareMagnitudes(x, y);
    }

    // Both nonzero and normalized (first digit nonzero, no trailing zeros): the exponent decides, then the digits.
    private static int CompareMagnitudes(in Parsed x, in Parsed y)
    {
        var byExponent = x.Exponent.CompareTo(y.Exponent);
        if (byExponent != 0)
        {
            return byExponent;
        }

        var common = Math.Min(x.DigitCount, y.DigitCount);
        for (var i = 0; i < common; i++)
        {
            var byDigit = x.Digit(i).CompareTo(y.Digit(i));
            if (byDigit != 0)
            {
                return byDigit;
            }
        }

        return x.DigitCount.CompareTo(y.DigitCount);
    }

    // The value is Sign × 0.D₁D₂…Dₙ × 10^Exponent with D₁ ≠ 0 and Dₙ ≠ 0, or Sign = 0.
    private static Parsed Parse(ReadOnlySpan<byte> text)
    {
        var i = 0;
        var negative = text[0] == (byte)'-';
        if (negative)
        {
            i++;
        }

        var integerStart = i;
        while (i < text.Length && char.IsAsciiDigit((char)text[i]))
        {
            i++;
        }

        var integer = text[integerStart..i];
        var fraction = ReadOnlySpan<byte>.Empty;
        if (i < text.Length && text[i] == (byte)'.')
        {
            var fractionStart = ++i;
            while (i < text.Length && char.IsAsciiDigit((char)text[i]))
            {
                i++;
            }

            fraction = text[fractionStart..i];
        }

        var exponent = i < text.Length ? ParseExponent(text[(i + 1)..]) : BigInteger.Zero;
        var digits = new Parsed(integer, fraction, 0, integer.Length + fraction.Length, 0, exponent + integer.Length);
        var start = 0;
        while (start < digits.End && digits.RawDigit(start) == '0')
        {
            start++;
        }

        if (start == digits.End)
        {
            return digits with { Start = 0, End = 0, Sign = 0, Exponent = BigInteger.Zero };
        }

        var end = digits.End;
        while (digits.RawDigit(end - 1) == '0')
        {
            end--;
        }

        return digits with { Start = start, End = end, Sign = negative ? -1 : 1, Exponent = digits.Exponent - start };
    }

    private static BigInteger ParseExponent(ReadOnlySpan<byte> text)
    {
        var negative = text[0] == (byte)'-';
        var digits = text[0] is (byte)'-' or (byte)'+' ? text[1..] : text;
        BigInteger value;
        if (digits.Length <= 18)
        {
            long small = 0;
            foreach (var d in digits)
            {
                small = (small * 10) + (d - '0');
            }

            value = small;
        }
        else
        {
            value = BigInteger.Parse(Encoding.ASCII.GetString(digits), NumberStyles.None, CultureInfo.InvariantCulture);
        }

        return negative ? -value : value;
    }

    private readonly ref struct Parsed(ReadOnlySpan<byte> integer, ReadOnlySpan<byte> fraction, int start, int end, int sign, BigInteger exponent)
    {
        private readonly ReadOnlySpan<byte> integer = integer;
        private readonly ReadOnlySpan<byte> fraction = fraction;

        public int Start { get; init; } = start;

        public int End { get; init; } = end;

        public int Sign { get; init; } = sign;

        public BigInteger Exponent { get; init; } = exponent;

        public int DigitCount => End - Start;

        public byte Digit(int index) => RawDigit(Start + index);

        public byte RawDigit(int index) => index < integer.Length ? integer[index] : fraction[index - integer.Length];
    }
}
