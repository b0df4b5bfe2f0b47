#include "textwriter.h"

namespace smtpscope::cli {

QStringList wrapText(const QString &text, int width)
{
    QStringList lines;
    QString line;
    for (const QString &word : text.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        if (!line.isEmpty() && line.size() + 1 + word.size() > width) {
            lines.append(line);
            line.clear();
        }
        line += (line.isEmpty() ? QString() : QStringLiteral(" ")) + word;
    }
    if (!line.isEmpty() || lines.isEmpty())
        lines.append(line);
    return lines;
}

TextWriter::TextWriter(QTextStream &out, int labelWidth, int width)
    : m_out(out)
    , m_labelWidth(labelWidth)
    , m_width(width)
{ }

void TextWriter::heading(const QString &text)
{
    m_out << text << '\n';
}

void TextWriter::row(const QString &label, const QString &value)
{
    if (value.isEmpty())
        return;
    const QStringList lines = wrapText(value, m_width - m_labelWidth - 2);
    for (qsizetype i = 0; i < lines.size(); ++i)
        m_out << "  " << (i == 0 ? label : QString()).leftJustified(m_labelWidth) << lines.at(i) << '\n';
}

void TextWriter::blank()
{
    m_out << '\n';
}

} // namespace smtpscope::cli
