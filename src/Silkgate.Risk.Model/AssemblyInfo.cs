[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("Silkgate.Risk.Model.Tests")]
[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("Silkgate.Risk.Experiments")]
