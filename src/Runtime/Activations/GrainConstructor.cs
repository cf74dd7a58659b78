using System.Reflection;
using Granary.Runtime.Persistence;
using Microsoft.Extensions.DependencyInjection;

namespace Granary.Runtime.Activations;

/// <summary>
/// Creates grain instances: binds each constructor parameter to a service from the silo's service provider, the
/// grain factory, or a persistent state for parameters marked [PersistentState]. Built once per class.
/// </summary>
internal sealed class GrainConstructor
{
    private readonly ConstructorInfo _constructor;
    private readonly Func<IServiceProvider, ActivationData, object?>[] _arguments;

    private GrainConstructor(ConstructorInfo constructor, Func<IServiceProvider, ActivationData, object?>[] arguments)
    {
        _constructor = constructor;
        _arguments = arguments;
    }

    public static GrainConstructor For(Type classType)
    {
        var constructor = classType.GetConstructors(BindingFlags.Public | BindingFlags.Instance)
            .OrderByDescending(c => c.GetParameters().Length)
            .FirstOrDefault()
            ?? throw new InvalidOperationException($"Grain class {classType.FullName} has no public constructor.");
        var arguments = constructor.GetParameters().Select(p => Bind(classType, p)).ToArray();
        return new GrainConstructor(constructor, arguments);
    }

    public object Create(IServiceProvider services, ActivationData activation)
    {
        var values = new object?[_arguments.Length];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = _arguments[i](services, activation);
        }
        try
        {
            return _constructor.Invoke(values);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(ex.InnerException).Throw();
            throw;
        }
    }

    private static Func<IServiceProvider, ActivationData, object?> Bind(Type classType, ParameterInfo parameter)
    {
        if (parameter.GetCustomAttribute<PersistentStateAttribute>() is { } state)
        {
            var type = parameter.ParameterType;
            if (!type.IsGenericType || type.GetGenericTypeDefinition() != typeof(IPersistentState<>))
            {
                throw new InvalidOperationException(
                    $"Parameter '{parameter.Name}' of {classType.Name} has [PersistentState] but its type is {type.Name}; it must be IPersistentState<T>.");
            }
            var stateType = typeof(PersistentState<>).MakeGenericType(type.GetGenericArguments()[0]);
            return (services, activation) =>
            {
                var storage = services.GetKeyedService<IGrainStorage>(state.StorageName)
                    ?? throw new InvalidOperationException(
                        $"{classType.Name} needs grain storage '{state.StorageName}' for state '{state.StateName}', and none is configured. Configure Granary:Storage or register one with AddGrainStorage(\"{state.StorageName}\", ...).");
                return Activator.CreateInstance(stateType, storage, activation, state.StateName);
            };
        }

        if (parameter.ParameterType == typeof(IGrainFactory))
        {
            return static (_, activation) => activation.Runtime.GrainFactory;
        }

        return (services, _) => services.GetService(parameter.ParameterType)
            ?? (parameter.HasDefaultValue
                ? parameter.DefaultValue
                : throw new InvalidOperationException(
                    $"{classType.Name} takes a {parameter.ParameterType.Name} '{parameter.Name}' in its constructor and the silo's services have none. Register it in the host's service collection."));
    }
}
