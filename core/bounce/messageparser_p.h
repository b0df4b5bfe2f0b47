#pragma once

// What messageparser.cpp shares with fastmimeparser.cpp: the GMime walk's helpers. Internal to the message parser.

#include "bounce/parsedmessage.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

#include <gmime/gmime.h>

#include <functional>
#include <memory>

namespace smtpscope::core::mime {

struct GObjectUnref
{
    void operator()(gpointer object) const
    {
        if (object)
            g_object_unref(object);
    }
};
template<typename T> using GObjectPtr = std::unique_ptr<T, GObjectUnref>;

struct GFree
{
    void operator()(gpointer p) const { g_free(p); }
};
using GCharPtr = std::unique_ptr<char, GFree>;

class Walker
{
public:
    Walker(ParsedMessage &message, GMimeParserOptions *options)
        : m_message(message)
        , m_options(options)
    { }

    void walk(GMimeObject *object, int depth, int parent, bool inEnclosedMessage);
    void note(const QString &text)
    {
        if (!m_notes.contains(text))
            m_notes.append(text);
    }
    QStringList notes() const { return m_notes; }

    static QList<QPair<QString, QString>> headersOf(GMimeObject *object);

    /// Reads the parts of a partless multipart's body split at @p delimiter into the message, as the parts of the
    /// multipart; false when it cannot (then GMime reads them).
    using PartSplitter = std::function<bool(const QByteArray &delimiter)>;
    /// A multipart in which no part was found, its whole body left in the prologue: notes @p problem and, unless
    /// inside a returned message, splits @p body at the delimiter lines it actually uses (with @p split when given,
    /// else with GMime) or reads it as text, so that the report it holds is not lost.
    void partlessMultipart(QString problem, const QString &contentType, const char *charset, const QByteArray &body,
        int depth, int index, bool inEnclosedMessage, const PartSplitter &split = {});
    QString toUnicode(const QByteArray &bytes, const char *charset, const QString &contentType);
    bool readMislabelled(const QByteArray &bytes, const QByteArray &label, const QString &contentType, QString &text);
    QList<QPair<QString, QString>> parseHeaderBlock(const QByteArray &block);
    GMimeParserOptions *options() const { return m_options; }

private:
    QByteArray decodeContent(GMimePart *part, bool &cut);
    QString recoverBody(const QString &contentType, const char *charset, const QByteArray &body, int depth, int index,
        const PartSplitter &split);

    ParsedMessage &m_message;
    GMimeParserOptions *m_options;
    QStringList m_notes;
};

// Report parts are what bounce and complaint parsing read, so they are decoded wherever they appear.
bool isReportType(const QString &type);
bool isHeaderBlockType(const QString &type);
// Plain ASCII with no encoded word: nothing to decode.
bool isPlainAscii(const char *p, size_t n);
// Unfolds a plain value the way GMime does: line breaks dropped, linear white space trimmed at both ends.
QString unfoldPlain(const char *start, const char *end);
QString renderHeaders(const QList<QPair<QString, QString>> &headers);

// The input that splits a partless multipart's body at @p boundary (see Walker::partlessMultipart()).
QByteArray recoveryInput(const QString &contentType, const QByteArray &boundary, const QByteArray &body);

} // namespace smtpscope::core::mime
