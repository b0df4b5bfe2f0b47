#include "util/jsonstring.h"

namespace smtpscope::core {

void appendJsonString(QByteArray &out, QStringView text)
{
    // The room reserved is the worst case; the unused rest is cut off at the end.
    const qsizetype start = out.size();
    out.resize(start + jsonStringBound(text));
    char *const end = writeJsonString(out.data() + start, text);
    out.resize(end - out.constData());
}

char *writeJsonString(char *dst, QStringView text)
{
    // Straight from UTF-16 into the output, escaping as it goes: no UTF-8 copy of the text first.
    *dst++ = '"';
    const char16_t *p = text.utf16();
    const char16_t *const end = p + text.size();
    while (p < end) {
        const char16_t c = *p++;
        if (c < 0x80) {
            if (c >= 0x20 && c != u'"' && c != u'\\') {
                *dst++ = char(c);
                continue;
            }
            *dst++ = '\\';
            switch (c) {
            case u'"':
                *dst++ = '"';
                break;
            case u'\\':
                *dst++ = '\\';
                break;
            case u'\b':
                *dst++ = 'b';
                break;
            case u'\f':
                *dst++ = 'f';
                break;
            case u'\n':
                *dst++ = 'n';
                break;
            case u'\r':
                *dst++ = 'r';
                break;
            case u'\t':
                *dst++ = 't';
                break;
            default: {
                static const char hex[] = "0123456789abcdef";
                *dst++ = 'u';
                *dst++ = '0';
                *dst++ = '0';
                *dst++ = hex[c >> 4];
                *dst++ = hex[c & 0xf];
            }
            }
        } else if (c < 0x800) {
            *dst++ = char(0xc0 | (c >> 6));
            *dst++ = char(0x80 | (c & 0x3f));
        } else if (QChar::isHighSurrogate(c) && p < end && QChar::isLowSurrogate(*p)) {
            const char32_t u = QChar::surrogateToUcs4(c, *p++);
            *dst++ = char(0xf0 | (u >> 18));
            *dst++ = char(0x80 | ((u >> 12) & 0x3f));
            *dst++ = char(0x80 | ((u >> 6) & 0x3f));
            *dst++ = char(0x80 | (u & 0x3f));
        } else if (QChar::isSurrogate(c)) {
            *dst++ = '?'; // a lone surrogate, as QString::toUtf8() writes it
        } else {
            *dst++ = char(0xe0 | (c >> 12));
            *dst++ = char(0x80 | ((c >> 6) & 0x3f));
            *dst++ = char(0x80 | (c & 0x3f));
        }
    }
    *dst++ = '"';
    return dst;
}

} // namespace smtpscope::core
