#pragma once

#include <QStringList>
#include <QTextStream>

namespace smtpscope::cli {

/// Writes "label  value" rows with the value wrapped under itself, for readable terminal output.
class TextWriter
{
public:
    explicit TextWriter(QTextStream &out, int labelWidth = 13, int width = 100);

    void heading(const QString &text);
    void row(const QString &label, const QString &value);
    void blank();

private:
    QTextStream &m_out;
    int m_labelWidth;
    int m_width;
};

/// Splits @p text into lines of at most @p width characters at spaces.
QStringList wrapText(const QString &text, int width);

} // namespace smtpscope::cli
