using System.Linq.Expressions;
using System.Reflection;
using GenAI.Worker;
using GenAI.Worker.Dispatch;

namespace GenAI.Autograder.Seam;

/// <summary>
/// Reads a check's call of student code, written as a lambda (<c>() => GaussianElbo.KlDiagNormal(mu, logvar)</c>),
/// into the operation it names and its arguments as values, without running it here: the call's target is one
/// method, constructor or property of the course library or of the harness; its arguments are evaluated here,
/// except <see cref="StudentModule.As{T}"/>, which stands for a student object and becomes its handle.
/// </summary>
public static class CallExpression
{
    /// <summary>The operation <paramref name="call"/> names, its arguments (the object first, for an instance member) and the type it returns.</summary>
    /// <exception cref="ArgumentException">The lambda is not one call (a harness bug).</exception>
    public static (string Operation, Value[] Arguments, Type Returns) Split(LambdaExpression call, Func<StudentModule, Value> handle)
    {
        var body = call.Body;
        while (body is UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.ConvertChecked } convert) body = convert.Operand;
        (MethodBase member, Expression? target, IEnumerable<Expression> arguments) = body switch
        {
            MethodCallExpression m => ((MethodBase)m.Method, m.Object, m.Arguments),
            NewExpression { Constructor: { } ctor } n => (ctor, null, n.Arguments),
            MemberExpression { Member: PropertyInfo { GetMethod: { } getter } } p => (getter, p.Expression, []),
            _ => throw new ArgumentException($"a call of student code must be one method, constructor or property, not {body.NodeType}: {body}"),
        };
        var values = (target is null ? arguments : arguments.Prepend(target)).Select(a => Argument(a, handle)).ToArray();
        return (OperationKey.Of(member), values, body.Type);
    }

    static Value Argument(Expression argument, Func<StudentModule, Value> handle)
    {
        if (argument is MethodCallExpression { Method.Name: nameof(StudentModule.As) } use && use.Method.DeclaringType == typeof(StudentModule))
            return handle((StudentModule)(Evaluate(use.Object!) ?? throw new ArgumentNullException(nameof(argument), "a null student object")));
        return Evaluate(argument) is { } value ? Values.ToValue(value, argument.Type, $"the check's argument {argument}") : NullValue.Instance;
    }

    /// <summary>The value of an argument: constants and captured variables directly, anything else compiled and run.</summary>
    static object? Evaluate(Expression e) => e switch
    {
        ConstantExpression c => c.Value,
        MemberExpression { Member: FieldInfo f } m => f.GetValue(m.Expression is null ? null : Evaluate(m.Expression)),
        _ => Expression.Lambda<Func<object?>>(Expression.Convert(e, typeof(object))).Compile(preferInterpretation: true)(),
    };
}
