[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("Silkgate.Risk.Model.Tests")]
